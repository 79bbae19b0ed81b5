# Shared by the guest suites (busybox sh): the rootfs and base config, the helpers a case uses, and the loop that runs
# every case for every runtime and prints "PASS rt/case", "FAIL rt/case: why", "SKIP rt/case: why", then
# "N passed, N failed, N skipped". A suite sets OCIRUN, RUNTIMES, CASES, defines case_* and paths() (which sets
# CGPATH, the config's linux.cgroupsPath, and CGDIR, the cgroup directory, from RT and c), then calls run_all.
W=/run/ocirun-test-guest
CG=/sys/fs/cgroup
RTFLAGS=${RTFLAGS:-}
passed=0 failed=0 skipped=0

binary_of() {
  case $1 in
    ocirun) echo "$OCIRUN" ;;
    runc) echo /usr/sbin/runc ;;
    crun) echo /usr/bin/crun ;;
  esac
}

# --- set-up: one rootfs shared by every bundle, one base config ---------------------------------------------------
rm -rf "$W" && mkdir -p "$W/rootfs"
( cd "$W/rootfs" && mkdir -p bin etc proc sys dev tmp root && cp /bin/busybox bin/busybox &&
  for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -s busybox "bin/$a"; done &&
  echo 'root:x:0:0:root:/root:/bin/sh' > etc/passwd && echo 'root:x:0:' > etc/group )
"$OCIRUN" spec --bundle "$W" || { echo "FAIL setup: ocirun spec"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
# Our base: not a terminal, the shared rootfs, a cgroup namespace and cgroup2 mounted where the probes read it.
jq --arg root "$W/rootfs" '.ociVersion = "1.0.2" | .process.terminal = false | .root = {path: $root, readonly: false}
  | .linux.namespaces |= (map(select(.type != "cgroup")) + [{type: "cgroup"}])
  | .mounts |= (map(select(.destination != "/sys/fs/cgroup")) + [{destination: "/sys/fs/cgroup", type: "cgroup2", source: "cgroup", options: ["nosuid","noexec","nodev","rw"]}])
  | .mounts += [{destination: "/tmp", type: "tmpfs", source: "tmpfs", options: ["nosuid"]}]' \
  "$W/config.json" > "$W/base.json" && rm "$W/config.json"
VDA=$(cat /sys/block/vda/dev 2>/dev/null)   # major:minor of the guest's scratch disk (bfq scheduler)

# --- helpers (a case runs in a subshell: "fail"/"skip" end it) ----------------------------------------------------
fail() { echo "$*" > "$W/why"; exit 1; }
skip() { echo "$*" > "$W/why"; exit 77; }
# expect WHAT ACTUAL WANTED
expect() { [ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"; }
# expect_match WHAT ACTUAL REGEX
expect_match() { echo "$2" | grep -Eq "$3" || fail "$1: got '$2', want /$3/"; }

# bundle RESOURCES_JSON SHELL_SCRIPT [JQ_FILTER]: the case's bundle, with its cgroupsPath.
bundle() {
  mkdir -p "$B"
  jq --arg cg "$CGPATH" --argjson res "$1" --arg sh "$2" \
    ".linux.cgroupsPath = \$cg | .linux.resources = ((.linux.resources // {}) * \$res) | .process.args = [\"sh\", \"-c\", \$sh] | ${3:-.}" \
    "$W/base.json" > "$B/config.json" || fail "jq on the config"
}
# rt ARGS: the runtime under test; each call's duration goes to $W/steps (printed for a slow case).
rt() {
  _t0=$(cut -d' ' -f1 /proc/uptime)
  "$RTBIN" --root "$W/state-$RT" $RTFLAGS "$@"; _rc=$?
  echo "$1 $(cut -d' ' -f1 /proc/uptime) $_t0" | awk '{printf "%s %.2fs; ", $1, $2-$3}' >> "$W/steps"
  return $_rc
}
# run_fg: run the container to its end; stdout in $OUT, stderr in $ERR.
run_fg() { rt run --bundle "$B" "$ID" > "$OUT" 2> "$ERR" < /dev/null; }
# run_bg: create + start, the process keeps running.
run_bg() {
  rt create --bundle "$B" "$ID" > "$OUT" 2> "$ERR" < /dev/null || fail "create: $(tail -1 "$ERR")"
  rt start "$ID" 2>> "$ERR" || fail "start: $(tail -1 "$ERR")"
}
# wait_procs N: until the container's cgroup holds N processes (start returns before the shell has forked), 5 s at most.
wait_procs() {
  i=0; while [ $i -lt 50 ] && [ "$(wc -l < "$CGDIR/cgroup.procs")" -lt "$1" ]; do sleep 0.1; i=$((i+1)); done
}
host() { tr '\n' ' ' < "$CGDIR/$1" | sed 's/ $//'; }
# inside KEY: the value the container printed as "KEY=value".
inside() { sed -n "s/^$1=//p" "$OUT" | head -1; }
# A probe that prints FILE=contents for each cgroup file named.
probe() { s=""; for f in "$@"; do s="$s echo $f=\$(tr '\\n' ' ' < /sys/fs/cgroup/$f | sed 's/ \$//');"; done; echo "$s"; }

# A suite's own clean-up after each case (what its engine made); by default nothing.
cleanup_case() { :; }
cleanup() {
  cleanup_case
  rt kill "$ID" KILL > /dev/null 2>&1
  rt delete -f "$ID" > /dev/null 2>&1
  [ -d "$CGDIR" ] && { echo 1 > "$CGDIR/cgroup.kill" 2>/dev/null; sleep 0.2; rmdir "$CGDIR" 2>/dev/null; }
  rm -rf "$B"
}

run_all() {
  for RT in $RUNTIMES; do
    RTBIN=$(binary_of "$RT")
    mkdir -p "$W/state-$RT"
    for c in $CASES; do
      ID=ocirun-test-$RT-$(echo "$c" | tr _ -)
      B=$W/b/$ID OUT=$W/out-$ID ERR=$W/err-$ID
      paths
      rm -f "$W/why" "$W/steps"
      t0=$(cut -d' ' -f1 /proc/uptime)
      ( "case_$c" ); rc=$?
      t1=$(cut -d' ' -f1 /proc/uptime)
      secs=$(echo "$t0 $t1" | awk '{printf "%.1f", $2-$1}')
      why=$(cat "$W/why" 2>/dev/null | head -1)
      cleanup
      case $rc in
        0) echo "PASS $RT/$c (${secs}s)"; passed=$((passed+1))
           [ "${secs%.*}" -ge 5 ] && echo "# $RT/$c steps: $(cat "$W/steps" 2>/dev/null)" ;;
        77) echo "SKIP $RT/$c: $why"; skipped=$((skipped+1)) ;;
        *) echo "FAIL $RT/$c: ${why:-exit $rc}"; failed=$((failed+1)) ;;
      esac
      rm -f "$OUT" "$ERR"
    done
  done
  # Anything a runtime left behind is a failure of the suite.
  left=$(residue)
  [ -n "$left" ] && { echo "FAIL residue: left behind: $left"; failed=$((failed+1)); }
  rm -rf "$W"
  echo "$passed passed, $failed failed, $skipped skipped"
  [ "$failed" -eq 0 ]
}

# --systemd-cgroup with a unit name systemd refuses ('@' makes it a template instance, which a scope cannot be): one
# line naming linux.cgroupsPath, non-zero, no container left.
refused_by_systemd() {
  CGPATH=system.slice:ocirun-test:bad@name
  bundle '{}' 'true'
  run_fg && fail "a cgroupsPath systemd refuses was accepted"
  expect "lines on stderr" "$(wc -l < "$ERR" | tr -d ' ')" 1
  expect_match "the error" "$(cat "$ERR")" 'cgroupsPath'
  [ -z "$(rt list -q 2>/dev/null)" ] || fail "a container was left: $(rt list -q)"
  true
}

# A running container under --systemd-cgroup, killed and deleted with -f: its unit must be gone (systemd takes a
# moment to forget a stopped scope). The caller checks the directories its hierarchy leaves.
deleted_by_systemd() {
  bundle '{"pids":{"limit":10}}' 'sleep 1000'
  run_bg
  expect "unit state while running" "$(systemctl is-active "$UNIT")" active
  rt kill "$ID" KILL 2> "$ERR"
  rt delete -f "$ID" 2> "$ERR" || fail "delete -f: $(cat "$ERR")"
  i=0; while [ $i -lt 30 ] && systemctl list-units --all --no-legend "$UNIT" | grep -q .; do sleep 0.1; i=$((i+1)); done
  expect "units after delete" "$(systemctl list-units --all --no-legend "$UNIT")" ""
}
