#!/usr/bin/env bash
# ocirun's one entry point: build, demo, test, conformance, bench, fuzz.
#   ./build.sh            publish the NativeAOT binary to out/ocirun
#   ./build.sh demo       build, make a busybox bundle, run a container and walk its lifecycle
#   ./build.sh test       the whole test suite (unit, integration, conformance against ocirun)
#   ./build.sh conformance [BINARY...]   the conformance report (ocirun, runc, crun side by side)
#   ./build.sh bench [--quick]           side-by-side benchmarks against runc and crun
#   ./build.sh fuzz [SECONDS]            a long seeded fuzz run of the parser, validator and seccomp compiler
set -euo pipefail
cd "$(dirname "$0")"
REPO=$PWD
OUT=$REPO/out
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

need_packages() {
  # Installs Debian packages that are missing; apt-get update only when something is.
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "build.sh: installing ${missing[*]}" >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

deps_build() { need_packages clang zlib1g-dev binutils libc6-dev; }
deps_test() { need_packages busybox-static runc crun libseccomp2 uidmap hyperfine time jq criu; }
# The engines that drive ocirun in tests/Engines.Tests and tests/Cri.Tests; none is started as a service (the tests
# start their own). The CRI tests' pods use CNI's bridge, host-local, loopback and portmap (which needs iptables).
deps_engines() { need_packages containerd podman conmon docker.io containernetworking-plugins iptables iproute2; }
# The QEMU guest of tests/GuestHost (cgroup v2 with every controller): guest.sh installs qemu-system-x86, cpio and
# binutils without their GUI recommends and fetches Debian's kernel into .guest/.
deps_guest() { bash tests/GuestHost/guest.sh build; }

publish() {
  deps_build
  dotnet publish src/OciRuntime/OciRuntime.csproj -c Release -r linux-x64 -o "$OUT/publish" -nologo -v quiet \
    -p:TreatWarningsAsErrors=true
  # A static executable (see OciRuntime.csproj); the symbols stay in out/publish for debugging.
  strip -o "$OUT/ocirun.tmp" "$OUT/publish/ocirun" && chmod 0755 "$OUT/ocirun.tmp" && mv -f "$OUT/ocirun.tmp" "$OUT/ocirun"
  echo "built $OUT/ocirun ($(stat -c %s "$OUT/ocirun") bytes)"
}

make_rootfs() {
  # A busybox rootfs: the static binary and a link per applet (not "busybox" itself, or it links to itself).
  local rootfs=$1
  mkdir -p "$rootfs"/{bin,etc,proc,sys,dev,tmp,root}
  cp /bin/busybox "$rootfs/bin/busybox"
  for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -sf busybox "$rootfs/bin/$a"; done
  echo 'root:x:0:0:root:/root:/bin/sh' > "$rootfs/etc/passwd"
  echo 'root:x:0:' > "$rootfs/etc/group"
}

demo() {
  deps_test
  publish
  local bundle=$REPO/.bundles/demo root=$REPO/.bundles/demo-state id=ocirun-demo
  rm -rf "$bundle" && mkdir -p "$bundle" "$root"
  make_rootfs "$bundle/rootfs"
  "$OUT/ocirun" spec --bundle "$bundle"
  # A non-interactive process that shows where it runs.
  sed -i -e 's/"terminal": true/"terminal": false/' \
         -e 's|"sh"|"sh", "-c", "echo hostname: $(hostname); echo pid: $$; id; echo uid_map: $(cat /proc/self/uid_map)"|' \
         "$bundle/config.json"
  echo "== ocirun run (the container prints its hostname, pid and ids)"
  "$OUT/ocirun" --root "$root" run --bundle "$bundle" $id
  echo "== the lifecycle: create, state, start, state, kill, delete"
  sed -i -e 's|"sh", "-c", "[^]]*|"sleep", "1000"|' "$bundle/config.json"
  "$OUT/ocirun" --root "$root" create --bundle "$bundle" $id
  "$OUT/ocirun" --root "$root" state $id | grep -E '"(status|pid)"'
  "$OUT/ocirun" --root "$root" start $id
  "$OUT/ocirun" --root "$root" list
  "$OUT/ocirun" --root "$root" kill $id KILL
  sleep 0.2
  "$OUT/ocirun" --root "$root" state $id | grep '"status"'
  "$OUT/ocirun" --root "$root" delete $id
  echo "== deleted; list is empty again:"
  "$OUT/ocirun" --root "$root" list
}

run_tests() {
  deps_test
  deps_engines
  deps_guest
  publish
  dotnet build OciRuntime.sln -c Release -nologo -v quiet
  # Integration tests run real containers: one assembly at a time keeps the 2 cores for the containers.
  # Every assembly runs even when an earlier one fails; the closing line counts them all.
  local failed=0 log rc
  log=$(mktemp)
  for proj in tests/OciSpec.Tests tests/Seccomp.Tests tests/OciRuntime.Tests conformance tests/Engines.Tests tests/Cri.Tests tests/GuestHost.Tests; do
    echo "== $proj"
    set +e
    OCIRUN_UNDER_TEST=$OUT/ocirun dotnet test "$proj" -c Release --no-build -nologo -v quiet \
      --logger "console;verbosity=minimal" 2>&1 | tee -a "$log"
    rc=${PIPESTATUS[0]}
    set -e
    if [ "$rc" -ne 0 ]; then failed=1; echo "== $proj: dotnet test exited $rc"; fi
  done
  local passed failures skipped
  passed=$(sum_counts Passed "$log"); failures=$(sum_counts Failed "$log"); skipped=$(sum_counts Skipped "$log")
  rm -f "$log"
  # An assembly that failed without a summary line (a crash, a build error) still fails the run.
  [ "$failed" -eq 0 ] || [ "$failures" -gt 0 ] || failures=1
  echo "$passed passed, $failures failed, $skipped skipped"
  return $failed
}

# Adds up dotnet test's per-assembly summary counts ("Failed:     0, Passed:   268, Skipped:     0, ...").
sum_counts() { grep -oE "$1: +[0-9]+" "$2" | awk '{s+=$2} END {print s+0}'; }

case "${1:-build}" in
  build) publish ;;
  demo) demo ;;
  test) run_tests ;;
  conformance) shift; deps_test; publish; exec bash conformance/run.sh "$@" ;;
  bench) shift; deps_test; publish; exec bash bench/run.sh "$@" ;;
  fuzz) shift; publish
        dotnet test tests/OciSpec.Tests -c Release --filter Category=Fuzz -e OCIRUN_FUZZ_SECONDS="${1:-300}"
        dotnet test tests/Seccomp.Tests -c Release --filter Category=Fuzz -e OCIRUN_FUZZ_SECONDS="${1:-300}" ;;
  rootfs) make_rootfs "$2" ;;
  *) echo "usage: ./build.sh [build|demo|test|conformance [BINARY...]|bench [--quick]|fuzz [SECONDS]]" >&2; exit 2 ;;
esac
