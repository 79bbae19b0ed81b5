using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using OciRuntime.Security;
using OciSpec;
using Seccomp;

namespace OciRuntime.Cli;

/// <summary>
/// `seccomp compile` and `seccomp explain`: our compiler's view of a profile, for people debugging one.
/// PROFILE is a `linux.seccomp` object on its own or a whole config.json (its `.linux.seccomp` is taken);
/// errors name the JSON path in that document.
/// </summary>
internal static class SeccompCommand
{
    internal static Command Build(GlobalOptionSet globals)
    {
        var c = new Command("seccomp", "compile or explain a seccomp profile (linux.seccomp or a config.json)");
        c.Add(BuildCompile(globals));
        c.Add(BuildExplain(globals));
        return c;
    }

    private static Command BuildCompile(GlobalOptionSet globals)
    {
        var c = new Command("compile", "print the classic-BPF program ocirun loads for a profile");
        var profile = new Argument<string>("profile") { Description = "linux.seccomp JSON, or a config.json" };
        var arch = new Option<string>("--arch") { DefaultValueFactory = _ => "x86_64", Description = "native architecture of the filter (x86_64, x86, aarch64, arm)" };
        var format = new Option<string>("--format") { DefaultValueFactory = _ => "text", Description = "bpf (raw struct sock_filter bytes) or text (disassembly)" };
        c.Add(profile); c.Add(arch); c.Add(format);
        c.SetHandler(globals, (r, g, timer) =>
        {
            string fmt = r.GetValue(format) ?? "text";
            if (fmt is not ("bpf" or "text")) throw new RuntimeError($"--format: \"{fmt}\" is not bpf or text");
            var options = new CompileOptions { NativeArch = NativeArch(r.GetValue(arch) ?? "x86_64") };
            var (p, path) = Load(r.GetValue(profile)!);
            timer.Mark("parse");
            CompiledFilter f;
            try { f = SeccompCompiler.Compile(p, options); }
            catch (SeccompException e) { throw new RuntimeError(path + e.Message); }
            timer.Mark("compile");
            if (g.Debug)
            {
                // The first compile pays for first use (tables, code paths), as `create` does; a second shows the rest.
                SeccompCompiler.Compile(p, options);
                timer.Mark("compile-again");
                foreach (var s in f.SkippedSyscalls) Console.Error.WriteLine($"skipped (not in this arch's table): {s}");
            }
            if (fmt == "bpf")
            {
                using var stdout = Console.OpenStandardOutput();
                stdout.Write(MemoryMarshal.AsBytes(f.Program.AsSpan()));
                return 0;
            }
            var sb = new StringBuilder();
            sb.Append(CultureInfo.InvariantCulture,
                $"# {f.Program.Length} instructions, flags 0x{SeccompSetup.LoadFlags(f.FilterFlags):x}{(f.UsesNotify ? " (notify: NEW_LISTENER)" : "")}, {f.SkippedSyscalls.Count} names skipped\n");
            sb.Append(BpfText.Disassemble(f.Program));
            Console.Out.Write(sb.ToString());
            return 0;
        });
        return c;
    }

    private static Command BuildExplain(GlobalOptionSet globals)
    {
        var c = new Command("explain", "say which rule decides a syscall, with which action, and what the compiled filter returns");
        var profile = new Argument<string>("profile") { Description = "linux.seccomp JSON, or a config.json" };
        var syscall = new Argument<string>("syscall") { Description = "syscall name, or number (decimal or 0x hex)" };
        var args = new Argument<string[]>("args") { Arity = ArgumentArity.ZeroOrMore, Description = "up to six argument values (decimal, 0x hex, or negative)" };
        var arch = new Option<string>("--arch") { DefaultValueFactory = _ => "x86_64", Description = "architecture of the syscall (x86_64, x86, x32, aarch64, arm)" };
        c.Add(profile); c.Add(syscall); c.Add(args); c.Add(arch);
        c.SetHandler(globals, (r, _, _) =>
        {
            string a = r.GetValue(arch) ?? "x86_64";
            var values = (r.GetValue(args) ?? []).Select((v, i) => ParseArg(v, i)).ToArray();
            var (p, path) = Load(r.GetValue(profile)!);
            var options = new CompileOptions { NativeArch = NativeArch(a) };
            try { Console.Out.Write(SeccompExplain.Explain(p, a, r.GetValue(syscall)!, values, options)); }
            catch (SeccompException e)
            {
                // The explainer's own inputs (arch, syscall, args) are not in the document.
                bool input = e.Message.StartsWith("arch:", StringComparison.Ordinal) || e.Message.StartsWith("syscall:", StringComparison.Ordinal)
                             || e.Message.StartsWith("args:", StringComparison.Ordinal);
                throw new RuntimeError((input ? "" : path) + e.Message);
            }
            return 0;
        });
        return c;
    }

    /// <summary>The filter always covers its native arch; x32 runs on an x86_64 kernel.</summary>
    private static SeccompArch NativeArch(string name)
    {
        if (!Seccomp.SeccompNames.TryParseArch(name, out var a))
            throw new RuntimeError($"--arch: unknown or unsupported architecture \"{name}\" (x86_64, x86, x32, aarch64, arm)");
        return a == SeccompArch.X32 ? SeccompArch.X86_64 : a;
    }

    private static ulong ParseArg(string s, int i)
    {
        if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase) &&
            ulong.TryParse(s.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong h)) return h;
        if (ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out ulong u)) return u;
        if (long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l)) return unchecked((ulong)l);
        throw new RuntimeError($"args[{i}]: \"{s}\" is not a number");
    }

    /// <summary>Reads PROFILE; returns the profile and the JSON path prefix of its seccomp object.</summary>
    internal static (SeccompProfile, string) Load(string file)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(file); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new RuntimeError($"{file}: {e.Message}"); }

        bool whole = true;
        try
        {
            using var d = JsonDocument.Parse(bytes);
            whole = d.RootElement.ValueKind != JsonValueKind.Object || d.RootElement.TryGetProperty("linux", out _)
                    || d.RootElement.TryGetProperty("ociVersion", out _) || d.RootElement.TryGetProperty("process", out _);
        }
        catch (JsonException) { } // the spec parser describes the syntax error, with its line

        LinuxSeccomp? s;
        string prefix;
        if (whole)
        {
            try { s = OciJson.ParseSpec(bytes, file).Linux?.Seccomp; }
            catch (SpecFormatException e) { throw new RuntimeError(e.Message.StartsWith(file, StringComparison.Ordinal) ? e.Message : $"{file}: {e.Message}"); }
            s = s
                ?? throw new RuntimeError($"{file}: linux.seccomp: missing (give a config.json with a profile, or the profile itself)");
            prefix = "linux.seccomp.";
        }
        else
        {
            // The spec parser, for its typed errors, on {"linux":{"seccomp": ...}} on the same first line.
            byte[] head = "{\"linux\":{\"seccomp\":"u8.ToArray(), tail = "}}"u8.ToArray();
            try { s = OciJson.ParseSpec([.. head, .. bytes, .. tail], file).Linux!.Seccomp!; }
            catch (SpecFormatException e)
            {
                string m = e.Message.Replace("linux.seccomp.", "", StringComparison.Ordinal);
                throw new RuntimeError(m.StartsWith(file, StringComparison.Ordinal) ? m : $"{file}: {m}");
            }
            prefix = "";
        }
        try { return (SeccompProfileMapper.Map(s, prefix), $"{file}: {prefix}"); }
        catch (RuntimeError e) { throw new RuntimeError($"{file}: {e.Message}"); }
    }
}
