/*
 * kimg guest init, compiled: PID 1 of a kimg VM (init=/usr/lib/kimg/init; also /init of a cpio initramfs).
 *
 * Why C: under TCG every exec in the guest costs 80-110 ms, and the shell init (init.sh next to this program)
 * spends about a dozen of them (mount, mkdir, sh -c, base64, sync, poweroff...) before the user's command runs.
 * This program does the same work with system calls, so `kimg run -- CMD` costs two execs: this init and the sh
 * that runs CMD. It is built by the host's gcc, statically against glibc (no loader, no library lookups at
 * start; glibc's static mount/sethostname/reboot/execve need no NSS), once per source hash, and only for images
 * of the host's architecture; other images get init.sh. A static busybox was the other candidate: its ash still
 * forks for mount/mkdir applets (no NOFORK for them), and its applets come from the image, not from kimg.
 *
 * It understands the same kernel command line and guest.conf as init.sh (the guest contract):
 *   kimg.mounts=TAG:/guest/path[:ro],...  virtiofs shares to mount
 *   kimg.cmd=BASE64                       run this sh command line, print KIMG_EXIT_STATUS=<n>, power off
 * Ssh=yes (KIMG_SSH=yes in guest.conf) needs the network and sshd: after the mounts it hands over to init.sh,
 * which finds them done and does the rest. Without kimg.cmd: exec systemd when the image has it, else a root
 * shell (Autologin=yes) or login on the console, and power off when that ends.
 *
 * KIMG_INIT_DRY_RUN=1 (with KIMG_INIT_CMDLINE and KIMG_INIT_ROOT) prints each action as init.sh prints it
 * ("+ mount -t proc proc /proc") instead of doing it; kimg's unit tests compare the two.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define INIT_SH "/usr/lib/kimg/init.sh"

static int dry;           /* KIMG_INIT_DRY_RUN: print, do not act */
static const char *root;  /* KIMG_INIT_ROOT: prefix for file checks in a dry run; "" in the guest */
static char mounts[8192]; /* /proc/mounts as it was after the API file systems */

static void say(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("kimg-init: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static const char *in_root(const char *path) {
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s%s", root, path);
    return buf;
}

static int is_dir(const char *path) {
    struct stat st;
    return stat(in_root(path), &st) == 0 && S_ISDIR(st.st_mode);
}

static int is_exec(const char *path) {
    struct stat st;
    return stat(in_root(path), &st) == 0 && S_ISREG(st.st_mode) && access(in_root(path), X_OK) == 0;
}

static void read_mounts(void) {
    mounts[0] = 0;
    if (dry) {
        return;
    }
    int fd = open("/proc/mounts", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return;
    }
    ssize_t n, len = 0;
    while (len < (ssize_t)sizeof mounts - 1 && (n = read(fd, mounts + len, sizeof mounts - 1 - len)) > 0) {
        len += n;
    }
    mounts[len] = 0;
    close(fd);
}

/* Whether /proc/mounts lists DIR as a mount point (second field). */
static int is_mounted(const char *dir) {
    size_t n = strlen(dir);
    for (const char *line = mounts; *line;) {
        const char *sp = strchr(line, ' ');
        if (!sp) {
            break;
        }
        if (strncmp(sp + 1, dir, n) == 0 && sp[1 + n] == ' ') {
            return 1;
        }
        const char *nl = strchr(sp, '\n');
        if (!nl) {
            break;
        }
        line = nl + 1;
    }
    return 0;
}

/* mkdir -p, for directories inside the image. */
static void make_dirs(const char *dir) {
    if (is_dir(dir)) {
        return;
    }
    if (dry) {
        printf("+ mkdir -p %s%s\n", root, dir);
        return;
    }
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", dir);
    for (char *p = buf + 1; *p; p++) {
        if (*p == '/') {
            *p = 0;
            mkdir(buf, 0755);
            *p = '/';
        }
    }
    mkdir(buf, 0755);
}

/* mount -t TYPE [-o OPTIONS] SOURCE DIR, with ro/rw turned into flags (the kernel parses the rest). */
static int do_mount(const char *type, const char *source, const char *dir, const char *options) {
    if (dry) {
        if (options) {
            printf("+ mount -t %s -o %s %s %s\n", type, options, source, dir);
        } else {
            printf("+ mount -t %s %s %s\n", type, source, dir);
        }
        return 0;
    }
    unsigned long flags = 0;
    const char *data = options;
    if (options && strcmp(options, "ro") == 0) {
        flags = MS_RDONLY;
        data = NULL;
    } else if (options && strcmp(options, "rw") == 0) {
        data = NULL;
    }
    return mount(source, dir, type, flags, data);
}

/* Mounts an API file system unless something already is there (the kernel's DEVTMPFS_MOUNT mounts /dev). */
static void mount_fs(const char *type, const char *source, const char *dir, const char *options) {
    if (is_mounted(dir)) {
        return;
    }
    make_dirs(dir);
    if (do_mount(type, source, dir, options) != 0) {
        say("cannot mount %s on %s: %s", type, dir, strerror(errno));
    }
}

/* The virtiofs shares of kimg.mounts=TAG:/path[:ro|:rw],... */
static void mount_shares(char *list) {
    for (char *share = strtok(list, ","); share; share = strtok(NULL, ",")) {
        char text[512];
        snprintf(text, sizeof text, "%s", share);
        char *colon = strchr(share, ':');
        if (!colon || colon == share || colon[1] == 0) {
            say("ignoring malformed share '%s' (want TAG:/path[:ro])", text);
            continue;
        }
        *colon = 0;
        char *path = colon + 1;
        const char *options = "rw";
        size_t n = strlen(path);
        if (n >= 3 && strcmp(path + n - 3, ":ro") == 0) {
            path[n - 3] = 0;
            options = "ro";
        } else if (n >= 3 && strcmp(path + n - 3, ":rw") == 0) {
            path[n - 3] = 0;
        }
        if (!*path) {
            say("ignoring malformed share '%s' (want TAG:/path[:ro])", text);
            continue;
        }
        make_dirs(path);
        if (do_mount("virtiofs", share, path, options) != 0) {
            say("cannot mount virtiofs %s on %s: %s", share, path, strerror(errno));
        }
    }
}

static int b64value(int c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

/* Decodes standard base64 in place; -1 when it is not base64. */
static int b64decode(char *s) {
    char *out = s;
    unsigned acc = 0;
    int bits = 0;
    size_t len = strlen(s), i = 0;
    for (; i < len && s[i] != '='; i++) {
        int v = b64value((unsigned char)s[i]);
        if (v < 0) {
            return -1;
        }
        acc = acc << 6 | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            *out++ = (char)(acc >> bits & 0xff);
        }
    }
    for (; i < len; i++) {
        if (s[i] != '=') {
            return -1;
        }
    }
    *out = 0;
    return 0;
}

/* KEY=yes in guest.conf (written by kimg: one KEY=value per line). */
static int conf_yes(const char *conf, const char *key) {
    size_t n = strlen(key);
    for (const char *p = conf; (p = strstr(p, key)) != NULL; p += n) {
        if ((p == conf || p[-1] == '\n') && p[n] == '=' && strncmp(p + n + 1, "yes", 3) == 0
                && (p[n + 4] == '\n' || p[n + 4] == 0)) {
            return 1;
        }
    }
    return 0;
}

static void read_file(const char *path, char *buf, size_t size) {
    buf[0] = 0;
    int fd = open(in_root(path), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return;
    }
    ssize_t n = read(fd, buf, size - 1);
    buf[n > 0 ? n : 0] = 0;
    close(fd);
}

static void power_off(int status) {
    fflush(NULL);
    if (dry) {
        printf("+ sync\n+ power off\n");
        exit(status);
    }
    sync();
    /* Without ACPI the kernel has no power-off handler and RB_POWER_OFF would only halt; a reboot request ends
     * QEMU too, since kimg always passes -no-reboot. */
    reboot(access("/sys/firmware/acpi", F_OK) == 0 ? RB_POWER_OFF : RB_AUTOBOOT);
    /* Last resort: PID 1 exiting panics the kernel; with panic=-1 and -no-reboot the VM ends. */
    _exit(status);
}

/*
 * The words of CMD when it is a plain command line that sh would only split at blanks (kimg quotes nothing
 * else), so the command can be exec'd without a shell: one exec fewer. NULL for anything sh must read (quotes,
 * variables, redirections, assignments, operators), which then runs under sh -c.
 */
static char **plain_words(const char *cmd) {
    static char copy[4096];
    static char *words[64];
    if (strlen(cmd) >= sizeof copy || strspn(cmd, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
            "0123456789 _-+./,:@%^") != strlen(cmd)) {
        return NULL;
    }
    strcpy(copy, cmd);
    int n = 0;
    for (char *save, *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
        if (n == 63) {
            return NULL;
        }
        words[n++] = w;
    }
    words[n] = NULL;
    return n ? words : NULL;
}

/* Runs ARGV in a child (with a controlling terminal when asked), reaps every orphan meanwhile; its status. */
static int spawn(char *const argv[], int null_stdin, int own_tty) {
    if (dry) {
        if (argv[1] && strcmp(argv[1], "-c") == 0 && plain_words(argv[2])) {
            printf("+ exec without sh:");
            for (char **w = plain_words(argv[2]); *w; w++) {
                printf(" [%s]", *w);
            }
            printf("\n");
        }
        printf("+ %s", own_tty ? "setsid -c " : "");
        for (int i = 0; argv[i]; i++) {
            printf(i ? " %s" : "%s", argv[i]);
        }
        printf("\n");
        return 0;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        say("cannot fork: %s", strerror(errno));
        return 127;
    }
    if (pid == 0) {
        if (null_stdin) {
            int fd = open("/dev/null", O_RDONLY);
            if (fd >= 0) {
                dup2(fd, 0);
                close(fd);
            }
        }
        if (own_tty) {
            setsid();
            ioctl(0, TIOCSCTTY, 1);
        }
        if (argv[1] && strcmp(argv[1], "-c") == 0) {
            /* A plain command runs without the shell; one that is not a program (a builtin such as exit or cd,
             * or a typo) falls back to sh, which then reports it as it would have. */
            char **words = plain_words(argv[2]);
            if (words) {
                execvp(words[0], words);
            }
        }
        execv(argv[0], argv);
        say("cannot run %s: %s", argv[0], strerror(errno));
        _exit(127);
    }
    for (;;) {
        int status;
        pid_t done = wait(&status);
        if (done == pid) {
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        }
        if (done < 0 && errno != EINTR) {
            return 127;
        }
    }
}

static void run_shell_init(void) {
    char *argv[] = {"/bin/sh", INIT_SH, NULL};
    if (dry) {
        printf("+ exec /bin/sh %s\n", INIT_SH);
        exit(0);
    }
    execv(argv[0], argv);
    say("cannot run %s: %s", INIT_SH, strerror(errno));
}

int main(void) {
    dry = getenv("KIMG_INIT_DRY_RUN") && *getenv("KIMG_INIT_DRY_RUN");
    root = dry && getenv("KIMG_INIT_ROOT") ? getenv("KIMG_INIT_ROOT") : "";
    if (!dry) {
        /* The kernel passes its own environment (and unknown name=value words of its command line): keep TERM. */
        const char *term = getenv("TERM");
        char keep[64];
        snprintf(keep, sizeof keep, "%s", term && *term && strcmp(term, "dumb") != 0 ? term : "linux");
        clearenv();
        setenv("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", 1);
        setenv("HOME", "/root", 1);
        setenv("TERM", keep, 1);
    }
    umask(022);
    /* Line by line, so messages on stderr and actions on stdout keep their order (and the marker is never held). */
    setvbuf(stdout, NULL, _IOLBF, 0);

    if (!dry && access("/proc/self", F_OK) == 0) {
        read_mounts();
    }
    mount_fs("proc", "proc", "/proc", NULL);
    read_mounts();
    mount_fs("sysfs", "sysfs", "/sys", NULL);
    mount_fs("devtmpfs", "devtmpfs", "/dev", "mode=0755");
    mount_fs("devpts", "devpts", "/dev/pts", "gid=5,mode=620,ptmxmode=666");
    mount_fs("tmpfs", "tmpfs", "/dev/shm", "mode=1777");
    mount_fs("tmpfs", "tmpfs", "/run", "mode=0755");
    mount_fs("tmpfs", "tmpfs", "/tmp", "mode=1777");

    /* The kernel opens /dev/console before running init; when /dev was empty then, stdio is closed. */
    if (!dry && !isatty(1)) {
        int fd = open("/dev/console", O_RDWR | O_NOCTTY);
        if (fd >= 0) {
            dup2(fd, 0);
            dup2(fd, 1);
            dup2(fd, 2);
            if (fd > 2) {
                close(fd);
            }
        }
    }

    static char cmdline[4096];
    if (dry) {
        snprintf(cmdline, sizeof cmdline, "%s", getenv("KIMG_INIT_CMDLINE") ? getenv("KIMG_INIT_CMDLINE") : "");
    } else {
        read_file("/proc/cmdline", cmdline, sizeof cmdline);
    }
    char *shares = NULL, *cmd = NULL;
    for (char *save, *arg = strtok_r(cmdline, " \t\n", &save); arg; arg = strtok_r(NULL, " \t\n", &save)) {
        if (strncmp(arg, "kimg.mounts=", 12) == 0) {
            shares = arg + 12;
        } else if (strncmp(arg, "kimg.cmd=", 9) == 0) {
            cmd = arg + 9;
        }
    }
    if (shares) {
        mount_shares(shares);
    }

    /* Modules built by kimg live in the build directory; the bind mount makes modprobe find them. */
    if (is_dir("/work/build/kernel/modules")) {
        make_dirs("/usr/lib/modules");
        if (dry) {
            printf("+ mount --bind /work/build/kernel/modules /usr/lib/modules\n");
        } else if (mount("/work/build/kernel/modules", "/usr/lib/modules", NULL, MS_BIND, NULL) != 0) {
            say("cannot bind-mount the kernel modules: %s", strerror(errno));
        }
    }

    char name[256];
    read_file("/etc/hostname", name, sizeof name);
    name[strcspn(name, "\n")] = 0;
    if (*name) {
        if (dry) {
            printf("+ sethostname %s\n", name);
        } else if (sethostname(name, strlen(name)) != 0) {
            say("cannot set the hostname: %s", strerror(errno));
        }
    }

    char conf[1024];
    read_file("/usr/lib/kimg/guest.conf", conf, sizeof conf);
    if (conf_yes(conf, "KIMG_SSH")) {
        /* The network and sshd: init.sh finds the mounts done and starts from there. */
        run_shell_init();
    }
    if (chdir(in_root("/root")) != 0 && chdir(in_root("/")) != 0) {
        say("cannot change to /root or /");
    }

    if (cmd) {
        if (b64decode(cmd) != 0) {
            say("kimg.cmd is not valid base64");
            printf("KIMG_EXIT_STATUS=127\n");
            power_off(127);
        }
        char *argv[] = {"/bin/sh", "-c", cmd, NULL};
        int status = spawn(argv, 1, 0);
        printf("KIMG_EXIT_STATUS=%d\n", status);
        power_off(status);
    }

    const char *systemd = is_exec("/usr/lib/systemd/systemd") ? "/usr/lib/systemd/systemd"
            : is_exec("/lib/systemd/systemd") ? "/lib/systemd/systemd" : NULL;
    if (systemd) {
        if (dry) {
            printf("+ exec %s\n", systemd);
            return 0;
        }
        char *argv[] = {(char *)systemd, NULL};
        execv(systemd, argv);
        say("cannot exec %s: %s", systemd, strerror(errno));
    }

    if (conf_yes(conf, "KIMG_AUTOLOGIN")) {
        char *argv[] = {is_exec("/bin/bash") ? "/bin/bash" : "/bin/sh", "-l", NULL};
        spawn(argv, 0, 1);
    } else {
        char *argv[] = {"/bin/login", NULL};
        spawn(argv, 0, 1);
    }
    power_off(0);
    return 0;
}
