package kimg.module;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The part of a kernel module (.ko, an ELF relocatable file) that depmod reads, as one digest: two modules with
 * the same digest give depmod the same input, so it would write the same index files for them.
 *
 * <p>What depmod (kmod 30, tools/depmod.c and libkmod-elf.c) takes from a module, besides its path and name:
 * <ul>
 *   <li>the {@code .modinfo} section: alias=, softdep=, weakdep= and the device name (modules.alias,
 *       modules.softdep, modules.devname);
 *   <li>the symbols it exports: the {@code __ksymtab_strings} section (modules.symbols, and modules.dep of the
 *       modules that use them);
 *   <li>the symbols it needs: the undefined symbols of {@code .symtab}, and {@code __versions} (their CRCs, with
 *       MODVERSIONS), from which it computes modules.dep.
 * </ul>
 * An edit to a function's body (the usual edit in the reload loop) changes none of these; a new export, a call
 * into another module or a new alias changes the digest.
 *
 * <p>Unreadable or unexpected files give no digest: the caller then runs depmod, which is always correct.
 */
final class DepmodInputs {
    private static final int SHT_SYMTAB = 2;
    private static final int SHN_UNDEF = 0;

    private DepmodInputs() {}

    /** The SHA-256 of the module's depmod input (hex), or empty when it is not an ELF file this reader knows. */
    static Optional<String> digest(Path module) {
        try (FileChannel ch = FileChannel.open(module, StandardOpenOption.READ)) {
            if (ch.size() > Integer.MAX_VALUE) {
                return Optional.empty();
            }
            ByteBuffer elf = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
            return Optional.ofNullable(digest(elf));
        } catch (IOException | RuntimeException e) {
            // A truncated or foreign file (IndexOutOfBounds, a bad offset): no digest, so depmod runs.
            return Optional.empty();
        }
    }

    private static String digest(ByteBuffer elf) {
        if (elf.limit() < 64 || elf.getInt(0) != 0x7f454c46) { // "\x7fELF", read big-endian
            return null;
        }
        boolean is64 = elf.get(4) == 2;
        elf.order(elf.get(5) == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        long shoff = is64 ? elf.getLong(0x28) : Integer.toUnsignedLong(elf.getInt(0x20));
        int shentsize = Short.toUnsignedInt(elf.getShort(is64 ? 0x3a : 0x2e));
        int shnum = Short.toUnsignedInt(elf.getShort(is64 ? 0x3c : 0x30));
        int shstrndx = Short.toUnsignedInt(elf.getShort(is64 ? 0x3e : 0x32));
        if (shnum == 0 || shstrndx >= shnum) {
            return null;
        }
        Section[] sections = new Section[shnum];
        for (int i = 0; i < shnum; i++) {
            sections[i] = Section.at(elf, Math.toIntExact(shoff + (long) i * shentsize), is64);
        }
        MessageDigest sha = sha256();
        var undefined = new TreeSet<String>();
        boolean sawSymtab = false;
        for (String wanted : new String[] {".modinfo", "__ksymtab_strings", "__versions"}) {
            sha.update(wanted.getBytes(StandardCharsets.US_ASCII));
            for (Section s : sections) {
                if (wanted.equals(name(elf, sections[shstrndx], s.nameOffset()))) {
                    sha.update(slice(elf, s.offset(), s.size()));
                }
            }
        }
        for (Section s : sections) {
            if (s.type() != SHT_SYMTAB || s.link() >= shnum) {
                continue;
            }
            sawSymtab = true;
            int entsize = is64 ? 24 : 16;
            for (long off = s.offset() + entsize; off + entsize <= s.offset() + s.size(); off += entsize) {
                int at = Math.toIntExact(off);
                int shndx = Short.toUnsignedInt(elf.getShort(at + (is64 ? 6 : 14)));
                int nameOffset = elf.getInt(at);
                if (shndx == SHN_UNDEF && nameOffset != 0) {
                    undefined.add(name(elf, sections[s.link()], nameOffset));
                }
            }
        }
        if (!sawSymtab) {
            return null; // stripped: depmod reads it differently; do not guess
        }
        sha.update("undefined".getBytes(StandardCharsets.US_ASCII));
        for (String u : undefined) {
            sha.update(u.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private record Section(int nameOffset, int type, long offset, long size, int link) {
        static Section at(ByteBuffer elf, int at, boolean is64) {
            return is64
                    ? new Section(elf.getInt(at), elf.getInt(at + 4), elf.getLong(at + 0x18), elf.getLong(at + 0x20),
                            elf.getInt(at + 0x28))
                    : new Section(elf.getInt(at), elf.getInt(at + 4), Integer.toUnsignedLong(elf.getInt(at + 0x10)),
                            Integer.toUnsignedLong(elf.getInt(at + 0x14)), elf.getInt(at + 0x18));
        }
    }

    private static ByteBuffer slice(ByteBuffer elf, long offset, long size) {
        return elf.slice(Math.toIntExact(offset), Math.toIntExact(size));
    }

    /** The NUL-terminated string at {@code offset} in string table {@code strtab}. */
    private static String name(ByteBuffer elf, Section strtab, int offset) {
        int start = Math.toIntExact(strtab.offset() + Integer.toUnsignedLong(offset));
        int end = start;
        while (elf.get(end) != 0) {
            end++;
        }
        byte[] bytes = new byte[end - start];
        elf.get(start, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is in every JDK", e);
        }
    }
}
