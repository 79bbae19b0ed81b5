using System.Text.Json.Nodes;

namespace OciSpec.Tests.Validation;

public class MountAndHookRulesTests
{
    private static JsonArray Mounts(JsonObject d) => d["mounts"]!.AsArray();

    [Fact]
    public void MountDestinationMustNotBeEmpty() =>
        V.Fails("mounts[7].destination: must not be empty", d => Mounts(d).Add(V.N("""{"destination":"","type":"tmpfs","source":"tmpfs"}""")));

    [Fact]
    public void RelativeMountDestinationIsAcceptedLikeRunc() =>
        V.Passes(d => Mounts(d).Add(V.N("""{"destination":"data","type":"none","source":"/srv","options":["rbind"]}""")));

    [Fact]
    public void IdMappedMountNeedsBothMaps() => V.Fails("mounts[7]: uidMappings and gidMappings must be given together",
        d => Mounts(d).Add(V.N("""{"destination":"/d","type":"bind","source":"/s","options":["bind"],"uidMappings":[{"containerID":0,"hostID":1000,"size":1}]}""")));

    [Fact]
    public void IdMappedMountMapSizeMustBePositive() => V.Fails("mounts[7].gidMappings[0].size: must be greater than zero",
        d => Mounts(d).Add(V.N("""{"destination":"/d","type":"bind","source":"/s","options":["bind"],"uidMappings":[{"containerID":0,"hostID":1000,"size":1}],"gidMappings":[{"containerID":0,"hostID":1000,"size":0}]}""")));

    [Fact]
    public void IdMappedMountPasses() => V.Passes(d => Mounts(d).Add(V.N(
        """{"destination":"/d","type":"bind","source":"/s","options":["bind"],"uidMappings":[{"containerID":0,"hostID":1000,"size":1}],"gidMappings":[{"containerID":0,"hostID":1000,"size":1}]}""")));

    [Fact]
    public void IdmapOptionNeedsMappingsOrUserNamespace()
    {
        const string mount = """{"destination":"/d","type":"bind","source":"/s","options":["rbind","ridmap"]}""";
        V.Fails("mounts[7].options: idmap needs uidMappings/gidMappings or a user namespace", d => Mounts(d).Add(V.N(mount)));
        V.Passes(d => { Mounts(d).Add(V.N(mount)); d.AddUserNamespace(); });
    }

    [Fact]
    public void HookPathMustBeAbsolute() => V.Fails("hooks.createRuntime[0].path: must be an absolute path, got \"hook.sh\"",
        d => d["hooks"] = V.N("""{"createRuntime":[{"path":"hook.sh"}]}"""));

    [Fact]
    public void HookPathMustNotBeEmpty() => V.Fails("hooks.poststop[1].path: must not be empty",
        d => d["hooks"] = V.N("""{"poststop":[{"path":"/bin/true"},{"args":["x"]}]}"""));

    [Fact]
    public void HookTimeoutMustBePositive() => V.Fails("hooks.prestart[0].timeout: must be greater than zero, got 0",
        d => d["hooks"] = V.N("""{"prestart":[{"path":"/bin/true","timeout":0}]}"""));

    [Fact]
    public void HookEnvMustBeKeyValue() => V.Fails("hooks.startContainer[0].env[0]: must be KEY=VALUE, got \"X\"",
        d => d["hooks"] = V.N("""{"startContainer":[{"path":"/bin/true","env":["X"]}]}"""));

    [Fact]
    public void HooksPass() => V.Passes(d => d["hooks"] = V.N("""
        {"prestart":[{"path":"/usr/bin/fix-mounts","args":["fix-mounts","a"],"env":["k=v"]}],
         "createRuntime":[{"path":"/a"}],"createContainer":[{"path":"/b"}],"startContainer":[{"path":"/c"}],
         "poststart":[{"path":"/usr/bin/notify-start","timeout":5}],"poststop":[{"path":"/usr/sbin/cleanup.sh"}]}
        """));
}
