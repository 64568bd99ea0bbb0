# Sourced by the kernel benches (kernel-noop, reload, cold-build): the kernel tree they build and kimg on the
# project's own config with it, so they run from a fresh clone (no IT cache, no test classes).
#
#   KIMG_BENCH_TREE=DIR       a kernel source tree (default: /usr/src/linux-source-6.1.tar.xz, the Debian package
#                             linux-source-6.1, unpacked once into $KIMG_BENCH_CACHE/linux-source-6.1)
#   KIMG_BENCH_CACHE=DIR      where that tree is unpacked (default ${XDG_CACHE_HOME:-~/.cache}/kimg-bench)
#   KIMG_BENCH_BUILDDIR=DIR   BuildDirectory= for the kernel (default: the project's, mkosi.builddir)
#
# The kernel is built with the project's mkosi.kernel.config; the first run builds it whole (several minutes).
# Needs: $top set to the checkout.

bench_cache=${KIMG_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kimg-bench}
bench_tarball=/usr/src/linux-source-6.1.tar.xz

# The kernel tree: KIMG_BENCH_TREE, else the tarball unpacked (into a temporary directory renamed into place, so an
# interrupted unpack is never used).
bench_kernel_tree() {
    if [ -n "${KIMG_BENCH_TREE:-}" ]; then
        [ -f "$KIMG_BENCH_TREE/Makefile" ] || { echo "bench: $KIMG_BENCH_TREE is not a kernel tree" >&2; exit 2; }
        (cd "$KIMG_BENCH_TREE" && pwd)
        return
    fi
    local tree="$bench_cache/linux-source-6.1"
    if [ ! -f "$tree/Makefile" ]; then
        [ -f "$bench_tarball" ] || {
            echo "bench: no kernel tree: set KIMG_BENCH_TREE=DIR or apt-get install linux-source-6.1" >&2; exit 2; }
        mkdir -p "$bench_cache"
        local tmp
        tmp=$(mktemp -d "$bench_cache/.unpack.XXXXXX")
        echo "bench: unpacking $bench_tarball into $tree ..." >&2
        tar -xJf "$bench_tarball" -C "$tmp"
        mv "$tmp"/linux-source-* "$tree"
        rmdir "$tmp"
    fi
    echo "$tree"
}

bench_tree=$(bench_kernel_tree)
# kimg on the project's own config, with the kernel module enabled and built from the bench's tree; its image
# and manifest go to the bench's own output directory, so the project's mkosi.output keeps booting Debian's kernel.
bench_kimg_args=(-C "$top" --include=modules/kernel --build-sources="$bench_tree:kernel"
    --output-directory="$bench_cache/output")
[ -n "${KIMG_BENCH_BUILDDIR:-}" ] && bench_kimg_args+=(--build-directory="$KIMG_BENCH_BUILDDIR")
kimgk() { "$top/bin/kimg" "${bench_kimg_args[@]}" "$@"; }

# The kernel's O= directory (the one holding vmlinux). The first call of a run builds the kernel and an image
# with its modules (`kimg build --kernel`: the whole kernel the first time, several minutes; a no-op make after).
bench_kernel_build_dir() {
    local root="${KIMG_BENCH_BUILDDIR:-$top/mkosi.builddir}"
    [ -n "$(ls "$root"/*/kernel/*/vmlinux 2>/dev/null)" ] || echo "bench: building the kernel (several minutes) ..." >&2
    mkdir -p "$bench_cache"
    kimgk build --kernel >"$bench_cache/kernel-build.log" 2>&1 || {
        tail -n 20 "$bench_cache/kernel-build.log" >&2; echo "bench: log: $bench_cache/kernel-build.log" >&2; exit 1; }
    dirname "$(ls -td "$root"/*/kernel/*/vmlinux | head -n 1)"
}

# kimg's build identity (MakeCommands.BUILD_*): a bare make with another one would rewrite
# include/generated/compile.h for kimg's next build, and each side would relink vmlinux for the other.
bench_make() {
    make -C "$bench_tree" O="$1" -j"$(nproc)" KBUILD_BUILD_TIMESTAMP='1970-01-01 00:00:00 UTC' \
        KBUILD_BUILD_HOST=kimg KBUILD_BUILD_USER=kimg LOCALVERSION= "${@:2}"
}

now() { date +%s.%N; }
# The median of the numbers on stdin, two decimals.
median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.2f", m}'; }
