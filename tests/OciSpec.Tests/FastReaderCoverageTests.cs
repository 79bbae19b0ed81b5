using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace OciSpec.Tests;

/// <summary>
/// Every property the model has is read by <see cref="FastReader"/> and written by <see cref="FastWriter"/>: a
/// document with each member set (built by reflection, so a new model property is in it the day it is added) is
/// written by the source-generated serializer, read by both readers, and the results compared. A property the fast
/// reader does not know would be skipped by its <c>default: r.Skip()</c> and come back unset.
/// </summary>
public class FastReaderCoverageTests
{
    private static readonly JsonSerializerOptions Options = new(OciJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private delegate bool FastTry<T>(ReadOnlySpan<byte> utf8, out T value);

    private static void Check<T>(FastTry<T> fast) where T : class
    {
        var info = (JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T));
        T full = ModelWalk.Full<T>();
        byte[] utf8 = JsonSerializer.SerializeToUtf8Bytes(full, info);
        string json = Encoding.UTF8.GetString(utf8);

        // The document really has every member (the walk and the serializer agree on names).
        foreach (var m in ModelWalk.Members(typeof(T)))
            Assert.Contains($"\"{ModelWalk.JsonName(m.Property)}\":", json);

        T slow = JsonSerializer.Deserialize(utf8, info)!;
        Assert.True(fast(utf8, out T quick), $"the fast reader gave up on a document the serializer reads:\n{json}");
        string a = JsonSerializer.Serialize(slow, info), b = JsonSerializer.Serialize(quick, info);
        if (a != b) Assert.Fail($"{typeof(T).Name}: the fast reader drops or changes {FirstDifference(a, b)}\nserializer: {a}\nfast:       {b}");
    }

    /// <summary>The JSON around the first difference, to name the member.</summary>
    private static string FirstDifference(string a, string b)
    {
        int i = 0;
        while (i < a.Length && i < b.Length && a[i] == b[i]) i++;
        return "near: " + a[Math.Max(0, i - 60)..Math.Min(a.Length, i + 20)];
    }

    [Fact] public void Spec() => Check<Spec>(FastReader.TryReadSpec);
    [Fact] public void Process() => Check<Process>(FastReader.TryReadProcess);
    [Fact] public void Resources() => Check<LinuxResources>(FastReader.TryReadResources);
    [Fact] public void State() => Check<State>(FastReader.TryReadState);
    [Fact] public void ContainerProcessState() => Check<ContainerProcessState>(FastReader.TryReadContainerProcessState);

    [Fact]
    public void WriterWritesEveryMemberLikeTheSerializer()
    {
        var full = ModelWalk.Full<Spec>();
        foreach (bool indented in new[] { false, true })
        {
            var options = indented ? new JsonSerializerOptions(Options) { WriteIndented = true, IndentCharacter = '\t', IndentSize = 1 } : Options;
            byte[] expected = JsonSerializer.SerializeToUtf8Bytes(full, (JsonTypeInfo<Spec>)options.GetTypeInfo(typeof(Spec)));
            Assert.True(FastWriter.TryWrite(full, indented, out byte[] actual), "the fast writer gave up on a full spec");
            Assert.Equal(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(actual));
        }
    }

    [Fact]
    public void TheWalkSeesTheVersionOneThreeFields()
    {
        var paths = ModelWalk.Members(typeof(Spec)).Select(m => m.Path).ToHashSet();
        Assert.Contains("linux.netDevices{}.name", paths);
        Assert.Contains("linux.intelRdt.schemata", paths);
        Assert.Contains("linux.intelRdt.enableMonitoring", paths);
        Assert.Contains("linux.memoryPolicy.mode", paths);
        Assert.Contains("mounts[].uidMappings[].hostID", paths);
    }
}
