using System.Diagnostics;
using System.Text.Json.Nodes;
using Conformance.Runtime;
using Conformance.Support;

namespace Conformance.Cases;

/// <summary>runtime-spec 1.3.0: the hook state after step 2, a failing poststart hook, a seccomp profile that denies
/// getcwd, and linux.netDevices.</summary>
public class RuntimeSpec13Tests
{
    const string RuntimeMd = "runtime.md";
    const string ConfigLinuxMd = "config-linux.md";

    static JsonObject HostHook(string script) =>
        new() { ["path"] = "/bin/sh", ["args"] = new JsonArray("sh", "-c", script) };

    static void SetHooks(TestContainer c, string kind, params JsonObject[] hooks)
    {
        var all = c.Bundle.Config["hooks"] as JsonObject ?? new JsonObject();
        all[kind] = new JsonArray(hooks.Cast<JsonNode>().ToArray());
        c.Bundle.Config["hooks"] = all;
    }

    [Fact]
    [Spec(RuntimeMd, "`created`: the runtime has finished the [create operation](#create) (after step 2 in the [lifecycle](#lifecycle)), and the container process has neither exited nor executed the user-specified program")]
    [Trait("KnownFailure", "runc")]
    public void Hooks_after_step_2_get_the_created_state()
    {
        // runc 1.1.5 hands these hooks "creating". prestart, createRuntime and createContainer run after the
        // runtime environment is created (step 2), so the create operation's environment is complete: "created".
        using var c = new TestContainer();
        c.Bundle.Args("sleep", "60");
        // createContainer runs in the container's mount namespace before pivot_root: the host's paths still resolve.
        foreach (var kind in new[] { "prestart", "createRuntime", "createContainer" })
            SetHooks(c, kind, HostHook($"cat > {c.WorkFile(kind + ".json")}"));
        c.MustCreate();
        foreach (var (kind, path) in new[] { "prestart", "createRuntime", "createContainer" }.Select(k => (k, c.WorkFile(k + ".json"))))
        {
            var state = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            Assert.True((string?)state["status"] == "created", $"{kind} hook got {state}");
        }
    }

    [Fact]
    [Spec(RuntimeMd, "The [`poststart` hooks](config.md#poststart) MUST be invoked by the runtime. If any `poststart` hook fails, the runtime MUST [generate an error](#errors), stop the container, and continue the lifecycle at step 12.")]
    [Trait("KnownFailure", "runc")]
    [Trait("KnownFailure", "crun")]
    public void A_failing_poststart_hook_is_an_error_and_stops_the_container()
    {
        // New in 1.3.0 (1.2 asked for a warning and a running container, which runc 1.1.5 and crun 1.8.1 give).
        using var c = new TestContainer();
        c.Bundle.Args("sleep", "60");
        SetHooks(c, "poststart", HostHook("cat >/dev/null; exit 3"));
        c.MustCreate();
        var r = c.Start();
        Assert.False(r.Succeeded, "start succeeded although a poststart hook failed: " + r);
        Assert.True(c.WaitForStatus("stopped", 5), $"the container is {c.Status()} after a failing poststart hook");
        Assert.True(c.Delete().Succeeded, "delete after the failed start");
    }

    [Fact]
    [Spec(RuntimeMd, "The runtime MUST run the user-specified program, as specified by [`process`](config.md#process).")]
    [Trait("KnownFailure", "runc")]
    public void A_profile_denying_getcwd_still_runs_the_program()
    {
        // runc 1.1.5 (like ocirun before) checks the working directory with getcwd after loading the filter, and
        // fails the create with EPERM. The profile is valid; what the runtime checks on its own behalf must not
        // depend on it.
        using var c = new TestContainer();
        c.Bundle.Args("echo", "ran");
        c.Bundle.Process["noNewPrivileges"] = false;
        c.Bundle.Linux["seccomp"] = new JsonObject
        {
            ["defaultAction"] = "SCMP_ACT_ALLOW",
            ["architectures"] = new JsonArray("SCMP_ARCH_X86_64"),
            ["syscalls"] = new JsonArray(new JsonObject { ["names"] = new JsonArray("getcwd"), ["action"] = "SCMP_ACT_ERRNO" }),
        };
        var r = c.Run();
        Assert.True(r.Succeeded, r.ToString());
        Assert.Equal("ran", r.Stdout.Trim());
    }

    static string Ip(string args)
    {
        var psi = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args.Split(' ')) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string o = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"ip {args}: {o}");
        return o;
    }

    [SkippableFact]
    [Spec(ConfigLinuxMd, "**`netDevices`** (object, OPTIONAL) - A set of network devices that MUST be made\navailable in the container.")]
    [Spec(ConfigLinuxMd, "The runtime MUST preserve existing network interface attributes, including all\npermanent IP addresses (IFA_F_PERMANENT flag) of any family with global scope\n(RT_SCOPE_UNIVERSE value)")]
    [Spec(ConfigLinuxMd, "The runtime MUST set the network device state to \"up\" after moving it to the\nnetwork namespace")]
    [Trait("KnownFailure", "runc")]
    [Trait("KnownFailure", "crun")]
    public void NetDevices_are_moved_renamed_up_with_their_addresses()
    {
        // runc 1.1.5 and crun 1.8.1 predate netDevices (runc 1.3, crun 1.20): they start the container without it.
        Skip.If(!File.Exists("/usr/sbin/ip") && !File.Exists("/sbin/ip"), "iproute2 (ip) is not installed");
        string tag = Guid.NewGuid().ToString("N")[..5], a = $"ocirun-t{tag}a", b = $"ocirun-t{tag}b";
        Ip($"link add {a} type veth peer name {b}");
        try
        {
            Ip($"addr add 10.215.3.1/24 dev {a}");
            Ip($"addr add fd00:215:3::1/64 dev {a} nodad");
            using var c = new TestContainer();
            c.Bundle.Shell("cat /sys/class/net/ctr0/flags; ip -4 addr show ctr0; cat /proc/net/if_inet6");
            c.Bundle.Linux["netDevices"] = new JsonObject { [a] = new JsonObject { ["name"] = "ctr0" } };
            var r = c.Run();
            Assert.True(r.Succeeded, r.ToString());
            string[] lines = r.Stdout.Split('\n');
            Assert.True((Convert.ToInt32(lines[0].Trim(), 16) & 1) == 1, "ctr0 is not up: " + r.Stdout);
            Assert.Contains("10.215.3.1/24", r.Stdout);
            Assert.Matches("fd000215000300000000000000000001 [0-9a-f]+ 40 00 [0-9a-f]+ +ctr0", r.Stdout);
        }
        finally
        {
            // The kernel destroys the pair, asynchronously, when the namespace holding one end goes: an end seen a
            // moment ago may be gone by the time we delete it.
            foreach (var dev in new[] { a, b })
                if (Directory.Exists($"/sys/class/net/{dev}"))
                    try { Ip($"link del {dev}"); }
                    catch (InvalidOperationException e) when (e.Message.Contains("Cannot find device")) { }
        }
    }

    [Fact]
    [Spec(ConfigLinuxMd, "If a network device with the specified name already\nexists in the container namespace, the runtime MUST [generate an error](runtime.md#errors)")]
    [Trait("KnownFailure", "runc")]
    [Trait("KnownFailure", "crun")]
    public void A_netDevices_name_already_in_the_container_is_an_error()
    {
        // "lo" exists in every new network namespace. No host device is needed for the case: a runtime must
        // refuse either for the name or for the missing device; one that ignores netDevices starts the container.
        using var c = new TestContainer();
        c.Bundle.Args("true");
        c.Bundle.Linux["netDevices"] = new JsonObject { ["ocirun-tnone9"] = new JsonObject { ["name"] = "lo" } };
        var r = c.Run();
        Assert.False(r.Succeeded, "the container ran although linux.netDevices could not be honoured: " + r);
    }

    /// <summary>Mount points at or under <paramref name="dir"/> in the host's mount table, deepest first.</summary>
    static List<string> MountsUnder(string dir) =>
        File.ReadAllLines("/proc/self/mountinfo").Select(l => l.Split(' ')[4].Replace("\\040", " "))
            .Where(m => m == dir || m.StartsWith(dir + "/", StringComparison.Ordinal)).OrderByDescending(m => m.Length).ToList();

    [Fact]
    [Spec("config-linux.md", "If a namespace type is not specified in the `namespaces` array, the container MUST inherit the [runtime namespace](glossary.md#runtime-namespace) of that type.")]
    [Spec("config.md", "The runtime MUST mount entries in the listed order.")]
    [Trait("KnownFailure", "runc")]
    public void Without_a_mount_namespace_mounts_are_made_in_the_runtimes_and_gone_after_delete()
    {
        // runc 1.1.5 makes the mounts and runs the container, but leaves them (and its bind of the rootfs onto
        // itself) on the host after delete; crun 1.8.1 leaves them too, but the suite runs crun in a mount
        // namespace of its own, where they go unseen. A runtime that refuses the config fails the first assertion.
        using var c = new TestContainer();
        c.Bundle.RemoveNamespace("mount");
        c.Bundle.AddMount("/t", "tmpfs", "tmpfs");
        // Not the cgroup mount: on the host it would be a second mount of every hierarchy, which other runtimes
        // on the machine may take for the host's while the case runs.
        var kept = c.Bundle.Mounts.Where(m => (string?)m!["type"] != "cgroup").Select(m => m!.DeepClone()).ToArray();
        c.Bundle.Config["mounts"] = new JsonArray(kept);
        c.Bundle.Linux.Remove("maskedPaths");
        c.Bundle.Linux.Remove("readonlyPaths");
        c.Bundle.Config["root"]!["readonly"] = false;
        c.Bundle.Shell("grep -c ' /t ' /proc/self/mountinfo");
        try
        {
            var r = c.Run();
            Assert.True(r.Succeeded, r.ToString());
            Assert.Equal("1", r.Stdout.Trim());
            c.Delete(force: true);
            var left = MountsUnder(c.Bundle.RootfsPath);
            Assert.True(left.Count == 0, "left on the host after delete: " + string.Join(", ", left));
        }
        finally
        {
            foreach (var m in MountsUnder(c.Bundle.RootfsPath))
                Process.Start("umount", ["-l", m])!.WaitForExit();
        }
    }
}
