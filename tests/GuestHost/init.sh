#!/bin/sh
# The guest's pid 1, in two stages (busybox sh).
# Stage 1, in the initramfs: load the modules, mount the host's root (9p, read-only) under a tmpfs overlay and
# switch_root into it. The new root is a mount with a parent, so pivot_root works in the guest (it refuses the
# initramfs root itself).
# Stage 2, in the overlay: the kernel filesystems, cgroup2 with every controller (or, for systemd-hybrid, the v1
# hierarchies systemd mounts), loopback; then the command the host
# left in the results share; its output and exit code go back there; power off.

stage1() {
  export PATH=/bin
  /bin/busybox --install -s /bin
  mount -t proc proc /proc
  mount -t sysfs sys /sys
  mount -t devtmpfs dev /dev
  for m in $(cat /modules/order); do
    insmod /modules/$m.ko || echo "guest: insmod $m failed"
  done
  mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000 hostroot /host || fail "mount hostroot"
  mount -t tmpfs -o mode=0755 upper /upper || fail "mount tmpfs"
  mkdir -p /upper/u /upper/w
  mount -t overlay -o lowerdir=/host,upperdir=/upper/u,workdir=/upper/w overlay /newroot || fail "mount overlay"
  cp /init /newroot/.guest-init
  cp -r /modules /newroot/.guest-modules
  mkdir -p /newroot/.guest-results
  mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 results /newroot/.guest-results || fail "mount results"
  # The shared root shows the host's /proc (through QEMU, whose /proc/self is QEMU): the guest's own kernel
  # filesystems move over it before anything there runs.
  mount --move /proc /newroot/proc
  mount --move /sys /newroot/sys
  mount --move /dev /newroot/dev
  exec switch_root /newroot /bin/busybox sh /.guest-init stage2
}

fail() {
  echo "guest: $*"
  /bin/busybox poweroff -f
}

stage2() {
  export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=dumb
  mkdir -p /dev/pts /dev/shm /dev/mqueue
  mount -t devpts -o newinstance,ptmxmode=0666 devpts /dev/pts
  mount -t tmpfs -o mode=1777 shm /dev/shm
  mount -t mqueue mqueue /dev/mqueue
  # /tmp stays the host's (through the overlay): CI tests a checkout copied under /tmp.
  mount -t tmpfs -o mode=0755 run /run
  profile=$(sed -n 's/.*guest.profile=\([^ ]*\).*/\1/p' /proc/cmdline)
  # systemd-hybrid: systemd mounts /sys/fs/cgroup itself (a tmpfs, the v1 controllers, cgroup2 at unified), as it
  # does on a host booted with systemd.unified_cgroup_hierarchy=0; a cgroup2 there first would make it unified.
  if [ "$profile" != systemd-hybrid ]; then
    mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup || fail "mount cgroup2"
    # Every controller for the children of the root (the root cgroup is exempt from the no-internal-process rule).
    for c in cpuset cpu io memory hugetlb pids rdma misc; do
      echo "+$c" > /sys/fs/cgroup/cgroup.subtree_control || echo "guest: cannot enable $c"
    done
  fi
  mount -t bpf bpf /sys/fs/bpf 2>/dev/null
  echo 16 > /proc/sys/vm/nr_hugepages
  [ -e /sys/block/vda/queue/scheduler ] && echo bfq > /sys/block/vda/queue/scheduler
  ip link set lo up
  hostname ocirun-guest
  case $profile in
    systemd|systemd-hybrid)
      # systemd 252 (the host's) as pid 1 on this hierarchy, starting nothing but the suite: a target of our own,
      # whose service has no default dependencies (the host's units stay unstarted).
      mkdir -p /etc/systemd/system
      printf '[Unit]\nDescription=ocirun guest suite\nRequires=ocirun-guest-suite.service\nAfter=ocirun-guest-suite.service\nAllowIsolate=yes\n' \
        > /etc/systemd/system/ocirun-guest.target
      printf '[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\nExecStart=/bin/busybox sh /.guest-init run\nStandardOutput=tty\nTTYPath=/dev/console\n' \
        > /etc/systemd/system/ocirun-guest-suite.service
      # The shared root has the host's /.dockerenv, so systemd believes it runs in a container and reads its options
      # from its own command line (/proc/1/cmdline) instead of the kernel's: the hybrid choice is repeated there.
      hybrid=""
      [ "$profile" = systemd-hybrid ] && hybrid=systemd.unified_cgroup_hierarchy=0
      exec /lib/systemd/systemd --system --unit=ocirun-guest.target --log-level=warning $hybrid ;;
    *) run ;;
  esac
}

# Runs the command the host left in the results share, as root, then powers off.
run() {
  R=/.guest-results; export GUEST_RESULTS=$R
  # Under systemd, a system bus too: runc's and crun's drivers talk to systemd through it (ours uses the private
  # socket). Started as systemd's own unit, so that systemd connects to it (a bus started by hand is one systemd never
  # joins); without the dependencies, which would boot the host's whole system.
  if [ -S /run/systemd/private ] && [ -x /usr/bin/dbus-daemon ]; then
    systemctl start --job-mode=ignore-dependencies dbus.socket dbus.service || echo "guest: no system bus" > /dev/console
  fi
  cut -d' ' -f1 /proc/uptime > $R/boot
  echo "guest: ready after $(cat $R/boot)s (profile $(sed -n 's/.*guest.profile=\([^ ]*\).*/\1/p' /proc/cmdline))" > /dev/console
  cd /
  sh -c "$(cat $R/cmd)" > $R/out 2>&1 < /dev/null
  echo $? > $R/rc.tmp
  mv $R/rc.tmp $R/rc
  sync
  echo "guest: done after $(cut -d' ' -f1 /proc/uptime)s" > /dev/console
  /bin/busybox poweroff -f
}

case "$1" in
  stage2) stage2 ;;
  run) run ;;
  *) stage1 ;;
esac
