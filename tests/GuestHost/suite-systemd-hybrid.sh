#!/bin/sh
# --systemd-cgroup on a v1 hybrid host: systemd 252 is the guest's pid 1, booted with systemd.unified_cgroup_hierarchy=0
# (profile systemd-hybrid), so the controllers are v1 hierarchies under /sys/fs/cgroup and a controller-less cgroup2
# sits at /sys/fs/cgroup/unified, as on this project's CI host. Each runtime makes the container's scope through
# systemd's D-Bus API with the v1 properties; the cases read the unit (systemctl) and each hierarchy's files.
#   suite-systemd-hybrid.sh OCIRUN [RUNTIME...]     RUNTIME: ocirun, runc, crun (default: all three)
set -u
OCIRUN=$1; shift
RUNTIMES=${*:-ocirun runc crun}
HERE=$(cd "$(dirname "$0")" && pwd)
RTFLAGS=--systemd-cgroup
. "$HERE/lib.sh"

# The container's /sys/fs/cgroup as a v1 host gives it: type "cgroup", a tmpfs holding each hierarchy (in the
# container's own cgroup namespace, so each shows the container's cgroup as its root).
jq '.mounts |= map(if .destination == "/sys/fs/cgroup" then .type = "cgroup" else . end)' "$W/base.json" > "$W/base.tmp" &&
  mv "$W/base.tmp" "$W/base.json"

# slice:prefix:name → the scope ocirun-test-<rt>-<case>.scope in system.slice, at the same path in every hierarchy.
# CGDIR is the scope's cgroup2 directory (lib.sh counts processes and kills through it).
paths() {
  UNIT=ocirun-test-$RT-$(echo "$c" | tr _ -).scope
  REL=system.slice/$UNIT
  CGPATH=system.slice:ocirun-test:$RT-$(echo "$c" | tr _ -) CGDIR=$CG/unified/$REL
}
residue() {
  { ls -d "$CG"/*/system.slice/ocirun-test-* 2>/dev/null
    systemctl list-units --all --no-legend 'ocirun-test-*' 2>/dev/null; } | tr '\n' ' '
}
prop() { systemctl show -p "$1" --value "$UNIT"; }
# v1 HIERARCHY FILE: the scope's file in one v1 hierarchy (its directory name under /sys/fs/cgroup).
v1() { tr '\n' ' ' < "$CG/$1/$REL/$2" | sed 's/ $//'; }
# fstype MOUNTPOINT: its filesystem type, from mountinfo (busybox stat does not know cgroup v1's magic number).
fstype() { awk -v m="$1" '$5 == m { for (i = 7; $i != "-"; i++); print $(i + 1) }' /proc/self/mountinfo; }
# not_root LINES: the lines of a /proc/self/cgroup that do not show the cgroup namespace's root ("N:ctrl:/").
not_root() { echo "$1" | grep -v ':/$'; }

case_systemd_running() {
  [ -S /run/systemd/private ] || fail "no /run/systemd/private: systemd is not pid 1 here"
  expect "pid 1" "$(cat /proc/1/comm)" systemd
  expect "/sys/fs/cgroup (systemd's tmpfs of v1 hierarchies)" "$(fstype "$CG")" tmpfs
  expect "/sys/fs/cgroup/memory" "$(fstype "$CG/memory")" cgroup
  expect "/sys/fs/cgroup/unified" "$(fstype "$CG/unified")" cgroup2
}

case_scope() {
  bundle '{}' 'cat /proc/self/cgroup; echo done; sleep 1000'
  run_bg
  wait_procs 1
  i=0; while [ $i -lt 50 ] && ! grep -q '^done$' "$OUT"; do sleep 0.1; i=$((i+1)); done
  expect "unit state" "$(systemctl is-active "$UNIT")" active
  expect "Delegate" "$(prop Delegate)" yes
  expect "Slice" "$(prop Slice)" system.slice
  pid=$(rt state "$ID" | jq -r .pid)
  # pids: a controller systemd manages (it put the pid there); freezer and net_cls: ones it does not, which the
  # runtime joins at the same path.
  for h in pids memory freezer net_cls,net_prio; do
    expect_match "the container's pid in $h" "$(cat "$CG/$h/$REL/cgroup.procs" 2>&1)" "^$pid\$"
  done
  inside=$(sed '/^done$/d' "$OUT")
  expect "its cgroups, seen inside (cgroup namespace): lines not at the root" "$(not_root "$inside")" ""
  expect_match "the hierarchies it sees" "$(echo "$inside" | wc -l)" '^1[0-9]$'
}

case_limits() {
  bundle '{"memory":{"limit":67108864},"pids":{"limit":42},"cpu":{"shares":512,"quota":50000,"period":100000}}' 'sleep 1000'
  run_bg
  expect "MemoryLimit" "$(prop MemoryLimit)" 67108864
  expect "TasksMax" "$(prop TasksMax)" 42
  expect "CPUShares" "$(prop CPUShares)" 512
  expect "CPUQuotaPerSecUSec" "$(prop CPUQuotaPerSecUSec)" 500ms
  expect "memory.limit_in_bytes" "$(v1 memory memory.limit_in_bytes)" 67108864
  expect "pids.max" "$(v1 pids pids.max)" 42
  expect "cpu.shares" "$(v1 cpu,cpuacct cpu.shares)" 512
  expect "cpu.cfs_quota_us" "$(v1 cpu,cpuacct cpu.cfs_quota_us)" 50000
}

case_inside() {
  # The container's own v1 hierarchies are the scope's: its limits, read from inside.
  bundle '{"memory":{"limit":67108864},"pids":{"limit":42}}' \
    'echo mem=$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes); echo pids=$(cat /sys/fs/cgroup/pids/pids.max)'
  run_fg || fail "run: $(tail -1 "$ERR")"
  expect "memory.limit_in_bytes inside" "$(inside mem)" 67108864
  expect "pids.max inside" "$(inside pids)" 42
}

case_exec_joins() {
  bundle '{}' 'sleep 1000'
  run_bg
  rt exec "$ID" cat /proc/self/cgroup > "$OUT" 2> "$ERR" || fail "exec: $(cat "$ERR")"
  expect "exec'd process's cgroups not at the container's root" "$(not_root "$(cat "$OUT")")" ""
  expect_match "exec'd process's hierarchies" "$(wc -l < "$OUT")" '^1[0-9]$'
  expect "unit state after exec" "$(systemctl is-active "$UNIT")" active
}

case_update() {
  bundle '{"memory":{"limit":67108864},"pids":{"limit":20}}' 'sleep 1000'
  run_bg
  rt update --memory 104857600 --pids-limit 50 "$ID" 2> "$ERR" || fail "update: $(cat "$ERR")"
  expect "MemoryLimit after update" "$(prop MemoryLimit)" 104857600
  expect "TasksMax after update" "$(prop TasksMax)" 50
  expect "memory.limit_in_bytes after update" "$(v1 memory memory.limit_in_bytes)" 104857600
  expect "pids.max after update" "$(v1 pids pids.max)" 50
}

case_pause() {
  bundle '{}' 'sleep 1000'
  run_bg
  rt pause "$ID" 2> "$ERR" || fail "pause: $(cat "$ERR")"
  expect "freezer.state after pause" "$(v1 freezer freezer.state)" FROZEN
  rt resume "$ID" 2> "$ERR" || fail "resume: $(cat "$ERR")"
  expect "freezer.state after resume" "$(v1 freezer freezer.state)" THAWED
}

case_stats() {
  # events --stats reads the v1 files of the scope (memory and pids are hierarchies systemd manages).
  bundle '{"memory":{"limit":67108864},"pids":{"limit":42}}' 'sleep 1000'
  run_bg
  wait_procs 1
  s=$(rt events --stats "$ID" 2> "$ERR") || fail "events --stats: $(tail -1 "$ERR")"
  expect "memory limit in the stats" "$(echo "$s" | jq -r .data.memory.usage.limit)" 67108864
  expect "pids limit in the stats" "$(echo "$s" | jq -r .data.pids.limit)" 42
  expect_match "pids in the stats" "$(echo "$s" | jq -r .data.pids.current)" '^[1-9]'
}

case_delete() {
  deleted_by_systemd
  expect "directories after delete, in every hierarchy" "$(ls -d "$CG"/*/"$REL" 2>/dev/null | tr '\n' ' ')" ""
}

case_refused() {
  refused_by_systemd
  [ -z "$(ls -d "$CG"/*/system.slice/ocirun-test-bad* 2>/dev/null)" ] || fail "directories were left: $(ls -d "$CG"/*/system.slice/ocirun-test-bad*)"
  true
}

CASES="systemd_running scope limits inside exec_joins update pause stats delete refused"
[ -n "${GUEST_CASES:-}" ] && CASES=$GUEST_CASES
run_all
