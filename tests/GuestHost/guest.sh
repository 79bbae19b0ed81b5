#!/usr/bin/env bash
# A test host in a guest: Debian's 6.1 kernel under QEMU (software emulation, no KVM), with this machine's root
# filesystem shared read-only (9p) under a tmpfs overlay, so the guest runs the same dotnet, runc, crun, busybox
# and checkout as the host, on a cgroup v2 hierarchy with every controller (which this hybrid host cannot have).
#
#   guest.sh build                          fetch the kernel, make the initramfs (cached under .guest/)
#   guest.sh run [--profile P] RESULTS CMD   boot, run CMD (sh -c) as root in the guest, power off;
#                                           CMD's output is RESULTS/out, its exit code RESULTS/rc (and ours)
#                                           P: v2 (default), systemd, systemd-hybrid (systemd on v1 + cgroup2)
#
# Why the generic kernel and not -cloud-amd64: the cloud flavour is built without CONFIG_NET_9P, and bookworm has no
# virtiofsd for the virtiofs it does have. The generic one has 9p, virtio and overlayfs as modules, which the
# initramfs loads from the package's /lib/modules.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
CACHE=${OCIRUN_GUEST_CACHE:-$REPO/.guest}
# The kernel the guest boots: the ABI the meta package currently points at (linux-image-amd64 → linux-image-X-amd64).
KFLAVOUR=amd64
# The last line is criu's: the netlink diag modules it dumps sockets through, tun and veth it probes, nf_tables (and
# what it needs) for its nftables probe.
MODULES=(virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_blk
         netfs fscache 9pnet 9pnet_virtio 9p overlay bfq
         tun veth unix_diag inet_diag tcp_diag udp_diag raw_diag netlink_diag af_packet_diag
         crc32c_generic libcrc32c nfnetlink nf_tables x_tables nft_compat xt_mark)

log() { echo "guest: $*" >&2; }

need_host_packages() {
  local missing=()
  for p in qemu-system-x86 busybox-static cpio binutils; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

kernel_package() {
  local pkg
  pkg=$(apt-cache depends "linux-image-$KFLAVOUR" 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
  [ -n "$pkg" ] || { log "cannot resolve linux-image-$KFLAVOUR (apt-get update?)"; exit 1; }
  echo "$pkg"
}

# Prints the directory holding vmlinuz and initramfs.cpio.gz, building what is missing.
build() {
  need_host_packages
  local pkg kdir
  pkg=$(kernel_package)
  kdir=$CACHE/$pkg
  local m have=1
  for m in "${MODULES[@]}"; do [ -f "$kdir/modules/$m.ko" ] || have=0; done
  if [ ! -f "$kdir/vmlinuz" ] || [ $have = 0 ]; then
    log "fetching $pkg"
    rm -rf "$kdir.tmp" && mkdir -p "$kdir.tmp/deb"
    (cd "$kdir.tmp/deb" && apt-get download "$pkg" 2>&1 | grep -v unsandboxed >&2 || true)
    ls "$kdir.tmp"/deb/*.deb >/dev/null
    dpkg-deb -x "$kdir.tmp"/deb/*.deb "$kdir.tmp/x"
    mkdir -p "$kdir.tmp/modules"
    for m in "${MODULES[@]}"; do
      local f
      f=$(find "$kdir.tmp/x/lib/modules" -name "$m.ko" | head -1)
      [ -n "$f" ] || { log "module $m not in $pkg"; exit 1; }
      cp "$f" "$kdir.tmp/modules/"
    done
    cp "$kdir.tmp"/x/boot/vmlinuz-* "$kdir.tmp/vmlinuz"
    rm -rf "$kdir.tmp/x" "$kdir.tmp/deb" "$kdir"
    mv "$kdir.tmp" "$kdir"
  fi
  # The initramfs depends on init.sh and the busybox binary: rebuilt when either changes.
  local key
  key=$(cat "$HERE/init.sh" /bin/busybox | sha256sum | cut -c1-16)
  if [ ! -f "$kdir/initramfs-$key.cpio.gz" ]; then
    log "making the initramfs"
    local ir=$kdir/ir.tmp
    rm -rf "$ir" && mkdir -p "$ir"/{bin,dev,proc,sys,newroot,host,upper,modules}
    cp /bin/busybox "$ir/bin/busybox"
    ln -s busybox "$ir/bin/sh"
    cp "$kdir"/modules/*.ko "$ir/modules/"
    printf '%s\n' "${MODULES[@]}" > "$ir/modules/order"
    cp "$HERE/init.sh" "$ir/init" && chmod 0755 "$ir/init"
    (cd "$ir" && find . | cpio -o -H newc --quiet | gzip -1) > "$kdir/initramfs.tmp"
    rm -f "$kdir"/initramfs-*.cpio.gz
    mv "$kdir/initramfs.tmp" "$kdir/initramfs-$key.cpio.gz"
    rm -rf "$ir"
  fi
  echo "$kdir"
  echo "$kdir/initramfs-$key.cpio.gz"
}

run() {
  local profile=v2
  if [ "${1:-}" = --profile ]; then profile=$2; shift 2; fi
  local results=$1; shift
  local cmd=$*
  local out kdir initrd
  out=$(build)
  kdir=$(echo "$out" | sed -n 1p); initrd=$(echo "$out" | sed -n 2p)
  mkdir -p "$results"
  rm -f "$results"/{out,rc,console.log,boot}
  printf '%s\n' "$cmd" > "$results/cmd"
  # A small disk, so the io controller has a real block device (bfq as its scheduler) to limit.
  truncate -s 64M "$results/disk.img"
  # systemd-hybrid: systemd 252 mounts the v1 controllers with cgroup2 beside them, as on a host that asks for it.
  local extra=""
  [ "$profile" = systemd-hybrid ] && extra=" systemd.unified_cgroup_hierarchy=0"
  local timeout=${OCIRUN_GUEST_TIMEOUT:-900} start end
  start=$(date +%s.%N)
  set +e
  timeout --kill-after=10 "$timeout" qemu-system-x86_64 \
    -accel tcg -cpu max -m 2G -smp 2 -nographic -nodefaults -no-reboot -monitor none \
    -serial "file:$results/console.log" \
    -kernel "$kdir/vmlinuz" -initrd "$initrd" \
    -append "console=ttyS0 panic=-1 quiet loglevel=4 guest.profile=$profile$extra" \
    -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
    -virtfs "local,path=$results,mount_tag=results,security_model=none" \
    -drive "file=$results/disk.img,if=virtio,format=raw,cache=unsafe" \
    -nic none
  local qrc=$?
  set -e
  end=$(date +%s.%N)
  rm -f "$results/disk.img"
  local total
  total=$(echo "$end - $start" | bc 2>/dev/null || awk "BEGIN{print $end-$start}")
  log "qemu exited $qrc after ${total}s wall; guest ready at uptime $(cat "$results/boot" 2>/dev/null || echo ?)s"
  echo "$total" > "$results/wall"
  if [ ! -f "$results/rc" ]; then
    log "the guest did not finish (qemu $qrc); console:"
    tail -30 "$results/console.log" >&2 || true
    return 1
  fi
  return "$(cat "$results/rc")"
}

case "${1:-}" in
  build) build >/dev/null; log "ready in $CACHE" ;;
  run) shift; run "$@" ;;
  *) sed -n '2,10p' "$0" >&2; exit 2 ;;
esac
