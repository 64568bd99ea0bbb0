package kimg.module;

import kimg.config.ConfigError;

/** How kbuild names an Architecture= value: its ARCH, the image target and where that image lands. */
public enum KernelArch {
    X86_64("x86-64", "x86", "bzImage", "arch/x86/boot/bzImage", "x86_64-linux-gnu-"),
    ARM64("arm64", "arm64", "Image", "arch/arm64/boot/Image", "aarch64-linux-gnu-");

    private final String setting;
    private final String kbuildArch;
    private final String imageTarget;
    private final String imagePath;
    private final String crossCompilePrefix;

    KernelArch(String setting, String kbuildArch, String imageTarget, String imagePath, String crossCompilePrefix) {
        this.setting = setting;
        this.kbuildArch = kbuildArch;
        this.imageTarget = imageTarget;
        this.imagePath = imagePath;
        this.crossCompilePrefix = crossCompilePrefix;
    }

    /** From Architecture= (x86-64, arm64). */
    public static KernelArch of(String architecture) {
        for (KernelArch a : values()) {
            if (a.setting.equals(architecture)) {
                return a;
            }
        }
        throw new ConfigError(null, "Architecture", "no kernel build support for architecture '" + architecture + "'");
    }

    /** The architecture kimg runs on, from the JVM's os.arch (amd64, aarch64). */
    public static KernelArch host() {
        String os = System.getProperty("os.arch");
        return os.equals("aarch64") || os.equals("arm64") ? ARM64 : X86_64;
    }

    public String kbuildArch() {
        return kbuildArch;
    }

    public String imageTarget() {
        return imageTarget;
    }

    /** The image's path relative to the build directory. */
    public String imagePath() {
        return imagePath;
    }

    public String crossCompilePrefix() {
        return crossCompilePrefix;
    }
}
