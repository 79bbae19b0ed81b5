// Runs before the .NET runtime starts (a constructor of the static executable, ahead of main).
//
// `create`, `run` and `exec` make processes that enter a container's namespaces before they exec anything. If such
// a process still ran the host's ocirun file, a container holding CAP_SYS_PTRACE (which opens /proc/<pid>/exe of
// any process, dumpable or not) could reopen that file for writing once ocirun has exited, and replace the
// runtime on the host (CVE-2019-5736). So those subcommands first exec themselves again from an image that cannot
// be written: the binary seen through a detached read-only overlayfs of its own directory (no copy, shared page
// cache), or, where no overlay can be made, a sealed memfd copy. The kernel does one exec; .NET starts once. The
// zone that becomes the container's process is a clone of this process, so it runs from that image too.
//
// Only libc and raw system calls: nothing of the runtime exists yet. No allocation either.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef F_GET_SEALS
#define F_ADD_SEALS 1033
#define F_GET_SEALS 1034
#define F_SEAL_SEAL 1
#define F_SEAL_SHRINK 2
#define F_SEAL_GROW 4
#define F_SEAL_WRITE 8
#endif
#ifndef ST_RDONLY
#define ST_RDONLY 1
#endif
#define OCI_MFD_CLOEXEC 1U
#define OCI_MFD_ALLOW_SEALING 2U
#define OCI_FSOPEN_CLOEXEC 1U
#define OCI_FSCONFIG_SET_STRING 1U
#define OCI_FSCONFIG_CMD_CREATE 6U
#define OCI_FSMOUNT_CLOEXEC 1U
#define OCI_MOUNT_ATTR_RDONLY 0x1U
#define OCI_MOUNT_ATTR_NOSUID 0x2U
#define OCI_MOUNT_ATTR_NODEV 0x4U

extern char **environ;

// The subcommand as ocirun's parser finds it (Cli/CommandTable.CommandName): the first argument that is neither a
// global option nor the value of one. Global options may also follow it; --root's value is taken from anywhere.
static int wants_sealed_image(int argc, char **argv, const char **root)
{
    const char *command = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) break;
        if (strcmp(a, "--root") == 0 && i + 1 < argc) { *root = argv[++i]; continue; }
        if (strncmp(a, "--root=", 7) == 0) { *root = a + 7; continue; }
        if (a[0] != '-') { if (command == NULL) command = a; continue; }
        if (command == NULL && (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0 || strcmp(a, "-?") == 0)) return 0;
        if (strcmp(a, "--log") == 0 || strcmp(a, "--log-format") == 0 || strcmp(a, "--criu") == 0 ||
            strcmp(a, "--rootless") == 0)
            i++;
    }
    return command != NULL &&
           (strcmp(command, "create") == 0 || strcmp(command, "run") == 0 || strcmp(command, "exec") == 0);
}

// Already running from a sealed memfd, or from a read-only overlayfs (ours; a host binary on a read-only overlay
// cannot be written through /proc/<pid>/exe either). This is also what stops the re-exec from looping.
static int running_sealed(void)
{
    int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    if (fd < 0) fd = open("/proc/self/exe", O_PATH | O_CLOEXEC);
    if (fd < 0) return 0;
    int sealed = 0;
    int seals = fcntl(fd, F_GET_SEALS);
    if (seals >= 0 && (seals & (F_SEAL_WRITE | F_SEAL_SEAL)) == (F_SEAL_WRITE | F_SEAL_SEAL)) sealed = 1;
    struct statfs sfs;
    if (!sealed && fstatfs(fd, &sfs) == 0 && sfs.f_type == OVERLAYFS_SUPER_MAGIC && (sfs.f_flags & ST_RDONLY))
        sealed = 1;
    close(fd);
    return sealed;
}

static int same_file_contents(const struct stat *a, const struct stat *b)
{
    return a->st_size == b->st_size && a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

// Appends src to dst with overlayfs's escapes (it splits lowerdir at ':' and takes '\' as escape). 0 if too long.
static size_t append_layer(char *dst, size_t at, size_t cap, const char *src)
{
    for (; *src; src++) {
        if (*src == ':' || *src == '\\') { if (at + 1 >= cap) return 0; dst[at++] = '\\'; }
        if (at + 1 >= cap) return 0;
        dst[at++] = *src;
    }
    dst[at] = 0;
    return at;
}

// An O_PATH fd of this binary seen through a detached read-only overlayfs whose layers are the binary's directory
// and the state root (overlayfs wants two lower layers to run with no upper one), or -errno. Made as root only.
static int open_through_overlay(const char *root, const struct stat *running)
{
    static char self[4096], layers[8300];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0 || (size_t)n >= sizeof self - 1) return -ENAMETOOLONG;
    self[n] = 0;
    if (self[0] != '/' || (n > 10 && strcmp(self + n - 10, " (deleted)") == 0)) return -ENOENT;
    char *slash = strrchr(self, '/');
    const char *name = slash + 1;
    const char *dir = slash == self ? "/" : self;
    *slash = 0;

    // --root is the second layer, as for runc; made 0700 here when a fresh --root sees its first container.
    if (root == NULL) root = "/run/ocirun";
    if (mkdir(root, 0700) < 0 && errno != EEXIST) return -errno;

    int ctx = (int)syscall(SYS_fsopen, "overlay", OCI_FSOPEN_CLOEXEC);
    if (ctx < 0) return -errno;
    int result = -EINVAL;
    size_t at = append_layer(layers, 0, sizeof layers, dir);
    if (at == 0 || at + 2 >= sizeof layers) goto out;
    layers[at++] = ':';
    layers[at] = 0;
    if (append_layer(layers, at, sizeof layers, root) == 0) goto out;
    if (syscall(SYS_fsconfig, ctx, OCI_FSCONFIG_SET_STRING, "lowerdir", layers, 0) < 0) { result = -errno; goto out; }
    // xino is of no use here and, on by itself across filesystems, only logs to dmesg.
    syscall(SYS_fsconfig, ctx, OCI_FSCONFIG_SET_STRING, "xino", "off", 0);
    if (syscall(SYS_fsconfig, ctx, OCI_FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) { result = -errno; goto out; }
    int mnt = (int)syscall(SYS_fsmount, ctx, OCI_FSMOUNT_CLOEXEC,
                           OCI_MOUNT_ATTR_RDONLY | OCI_MOUNT_ATTR_NOSUID | OCI_MOUNT_ATTR_NODEV);
    if (mnt < 0) { result = -errno; goto out; }
    int fd = openat(mnt, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    result = fd < 0 ? -errno : fd;
    close(mnt); // the open file keeps the detached mount alive; nothing else can reach it
    struct stat seen;
    // Replaced on disk since this process started (an upgrade): run this very build, from a copy.
    if (fd >= 0 && (fstat(fd, &seen) < 0 || !same_file_contents(&seen, running))) { close(fd); result = -ESTALE; }
out:
    close(ctx);
    return result;
}

// A memfd holding a sealed copy of this binary (its mtime kept, so that caches keyed by it still hit), or -errno.
static int sealed_copy(const struct stat *running)
{
    int src = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    if (src < 0) return -errno;
    int fd = (int)syscall(SYS_memfd_create, "ocirun", OCI_MFD_CLOEXEC | OCI_MFD_ALLOW_SEALING);
    if (fd < 0) { int e = errno; close(src); return -e; }
    off_t left = running->st_size;
    while (left > 0) {
        ssize_t n = sendfile(fd, src, NULL, (size_t)left);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) { int e = n < 0 ? errno : EIO; close(src); close(fd); return -e; }
        left -= n;
    }
    close(src);
    struct timespec times[2] = { running->st_atim, running->st_mtim };
    futimens(fd, times);
    if (fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    return fd;
}

static void fail(const char *why, int overlay_errno, int copy_errno)
{
    // stderr is all there is yet: --log is the runtime's, and this happens before it runs.
    char line[512];
    int len = snprintf(line, sizeof line,
                       "ocirun: cannot run from a sealed image of itself (%s): overlay: %s; memfd copy: %s\n", why,
                       strerror(overlay_errno), strerror(copy_errno));
    if (len > 0) { ssize_t ignored = write(2, line, (size_t)len < sizeof line ? (size_t)len : sizeof line - 1); (void)ignored; }
    _exit(1);
}

__attribute__((constructor(101))) static void ocirun_run_sealed(int argc, char **argv, char **envp)
{
    const char *root = NULL;
    if (argc < 2 || argv == NULL || !wants_sealed_image(argc, argv, &root)) return;
    if (running_sealed()) return;
    if (envp == NULL) envp = environ;

    struct stat running;
    if (stat("/proc/self/exe", &running) < 0) fail("stat /proc/self/exe", errno, errno);
    int overlay = geteuid() == 0 ? open_through_overlay(root, &running) : -EPERM;
    if (overlay >= 0) {
        syscall(SYS_execveat, overlay, "", argv, envp, AT_EMPTY_PATH);
        int e = errno;
        close(overlay);
        overlay = -e;
    }
    int copy = sealed_copy(&running);
    if (copy >= 0) {
        syscall(SYS_execveat, copy, "", argv, envp, AT_EMPTY_PATH);
        int e = errno;
        close(copy);
        fail("execveat", -overlay, e);
    }
    fail("no image", -overlay, -copy);
}
