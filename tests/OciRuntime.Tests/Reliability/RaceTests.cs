using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using OciRuntime.Tests.Support;
using Xunit.Abstractions;

namespace OciRuntime.Tests.Reliability;

/// <summary>Commands racing on one container, and many containers at once: only the expected errors, no residue.</summary>
[Collection("Reliability")]
public sealed class RaceTests(ITestOutputHelper output) : IDisposable
{
    private readonly Sandbox _s = new();
    public void Dispose() => _s.Dispose();

    private static void Parallel(int threads, Action<int> body)
    {
        using var barrier = new Barrier(threads);
        var errors = new ConcurrentQueue<Exception>();
        var ts = Enumerable.Range(0, threads).Select(i => new Thread(() =>
        {
            try { barrier.SignalAndWait(); body(i); }
            catch (Exception e) { errors.Enqueue(e); }
        })).ToList();
        ts.ForEach(t => t.Start());
        ts.ForEach(t => t.Join());
        if (!errors.IsEmpty) throw new AggregateException(errors);
    }

    [Fact]
    public void Concurrent_create_of_one_id_has_exactly_one_winner()
    {
        var b = _s.NewBundle("sleep", "100");
        b.Save();
        const int rounds = 5, threads = 8;
        for (int round = 0; round < rounds; round++)
        {
            string id = _s.NewId();
            var results = new RunResult[threads];
            Parallel(threads, i => results[i] = _s.Oci("create", "--bundle", b.Dir, id));
            var winners = results.Where(r => r.ExitCode == 0).ToList();
            Assert.True(winners.Count == 1, "winners: " + winners.Count + "\n" + string.Join("\n", results.Select(r => r.ToString())));
            foreach (var r in results.Where(r => r.ExitCode != 0)) Rel.AssertCleanError(r, "already exists");
            var state = _s.State(id);
            Assert.Equal("created", (string)state["status"]!);
            int pid = (int)state["pid"]!;
            Assert.True(Directory.Exists($"/proc/{pid}"));
            Assert.Equal(0, _s.Oci("start", id).ExitCode);
            Assert.Equal("running", (string)_s.State(id)["status"]!);
            Assert.Equal(0, _s.Oci("delete", "--force", id).ExitCode);
            Assert.Empty(Residue.Find(_s.Root, [id], b.Dir));
        }
        output.WriteLine($"{rounds} rounds x {threads} concurrent creates: one winner each, {rounds * (threads - 1)} clean 'already exists'");
    }

    [Fact]
    public void Concurrent_delete_kill_and_state_on_one_running_container()
    {
        var b = _s.NewBundle("sleep", "100");
        b.Save();
        const int rounds = 6;
        string[][] ops =
        [
            ["delete", "--force", "ID"], ["delete", "--force", "ID"], ["kill", "ID", "KILL"], ["kill", "ID", "TERM"], ["state", "ID"], ["state", "ID"], ["delete", "ID"],
            ["kill", "--all", "ID", "KILL"],
        ];
        var tally = new ConcurrentDictionary<string, int>();
        for (int round = 0; round < rounds; round++)
        {
            string id = _s.NewId();
            Assert.Equal(0, _s.Oci("create", "--bundle", b.Dir, id).ExitCode);
            Assert.Equal(0, _s.Oci("start", id).ExitCode);
            var results = new RunResult[ops.Length];
            Parallel(ops.Length, i => results[i] = _s.Oci(ops[i].Select(a => a == "ID" ? id : a).ToArray()));
            for (int i = 0; i < ops.Length; i++)
            {
                var r = results[i];
                string op = string.Join(' ', ops[i]);
                tally.AddOrUpdate(op + (r.ExitCode == 0 ? " ok" : " refused"), 1, (_, n) => n + 1);
                if (r.ExitCode == 0)
                {
                    if (ops[i][0] == "state") Assert.NotNull(JsonNode.Parse(r.Stdout)!["status"]);
                    continue;
                }
                Rel.AssertCleanError(r, "does not exist", "not running", "not stopped", "stopped");
            }
            // Both delete --force calls return 0 (the second finds nothing, as runc's does).
            Assert.True(results[0].ExitCode == 0 && results[1].ExitCode == 0, results[0] + "\n" + results[1]);
            Assert.Contains("does not exist", _s.Oci("state", id).Stderr);
            Assert.Empty(Residue.Find(_s.Root, [id], b.Dir));
        }
        output.WriteLine($"{rounds} rounds x {ops.Length} racing commands: " + string.Join(", ", tally.OrderBy(k => k.Key).Select(k => $"{k.Key} {k.Value}")));
    }

    [Fact]
    public void Fifty_containers_created_started_and_deleted_in_parallel()
    {
        var b = _s.NewBundle("sleep", "100");
        b.Save();
        const int count = 50, threads = 4;
        var ids = Enumerable.Range(0, count).Select(_ => _s.NewId()).ToArray();
        int next = -1;
        var failures = new ConcurrentQueue<string>();
        Parallel(threads, _ =>
        {
            for (int i; (i = Interlocked.Increment(ref next)) < count;)
            {
                string id = ids[i];
                foreach (var args in new[] { new[] { "create", "--bundle", b.Dir, id }, ["start", id], ["state", id], ["delete", "--force", id] })
                {
                    var r = _s.Oci(args);
                    if (r.ExitCode != 0) failures.Enqueue($"{args[0]} {id}: {r}");
                }
            }
        });
        Assert.True(failures.IsEmpty, string.Join("\n", failures));
        Assert.Empty(Residue.Find(_s.Root, ids, b.Dir));
        output.WriteLine($"{count} containers x 4 commands on {threads} threads: no failure");
    }
}
