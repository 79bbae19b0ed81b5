using System.Collections;
using System.Reflection;
using System.Text.Json.Serialization;

namespace OciSpec.Tests;

/// <summary>Reflection over the model records: every JSON member reachable from a root type, by JSON path, and an
/// instance with every one of them set to a value that is not the default.</summary>
public static class ModelWalk
{
    /// <summary>A member's JSON path ("linux.resources.memory.limit", "mounts[].options", "linux.netDevices{}.name")
    /// with its declaring type and property.</summary>
    public sealed record Member(string Path, Type Owner, PropertyInfo Property);

    public static IEnumerable<PropertyInfo> JsonProperties(Type t) =>
        t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttribute<JsonPropertyNameAttribute>() is not null);

    public static string JsonName(PropertyInfo p) => p.GetCustomAttribute<JsonPropertyNameAttribute>()!.Name;

    /// <summary>Every member reachable from <paramref name="root"/>, depth first, in declaration order.</summary>
    public static List<Member> Members(Type root)
    {
        var all = new List<Member>();
        Walk(root, "", all, []);
        return all;
    }

    private static void Walk(Type t, string prefix, List<Member> all, HashSet<Type> onPath)
    {
        if (!onPath.Add(t)) return;
        foreach (var p in JsonProperties(t))
        {
            string path = prefix.Length == 0 ? JsonName(p) : prefix + "." + JsonName(p);
            all.Add(new Member(path, t, p));
            var (inner, suffix) = Element(p.PropertyType);
            if (IsRecord(inner)) Walk(inner, path + suffix, all, onPath);
        }
        onPath.Remove(t);
    }

    /// <summary>The record inside a list or map, with the path suffix for its elements.</summary>
    private static (Type Inner, string Suffix) Element(Type t)
    {
        t = Nullable.GetUnderlyingType(t) ?? t;
        if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(List<>)) return (t.GetGenericArguments()[0], "[]");
        if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(Dictionary<,>)) return (t.GetGenericArguments()[1], "{}");
        return (t, "");
    }

    private static bool IsRecord(Type t) => t.IsClass && t.Namespace == "OciSpec" && t.GetMethod("<Clone>$") is not null;

    /// <summary>An instance of <typeparamref name="T"/> with every JSON member set, recursively, to a non-default value.</summary>
    public static T Full<T>() where T : class => (T)Make(typeof(T), [])!;

    private static object? Make(Type t, HashSet<Type> onPath)
    {
        var u = Nullable.GetUnderlyingType(t) ?? t;
        if (u == typeof(string)) return "v";
        if (u == typeof(bool)) return true;
        if (u == typeof(int)) return 7;
        if (u == typeof(long)) return 7L;
        if (u == typeof(uint)) return 7u;
        if (u == typeof(ulong)) return 7ul;
        if (u == typeof(ushort)) return (ushort)7;
        if (u == typeof(DateTimeOffset)) return new DateTimeOffset(2026, 12, 6, 0, 0, 0, TimeSpan.Zero);
        if (u.IsGenericType && u.GetGenericTypeDefinition() == typeof(List<>))
        {
            var list = (IList)Activator.CreateInstance(u)!;
            list.Add(Make(u.GetGenericArguments()[0], onPath));
            return list;
        }
        if (u.IsGenericType && u.GetGenericTypeDefinition() == typeof(Dictionary<,>))
        {
            var map = (IDictionary)Activator.CreateInstance(u)!;
            map.Add("k", Make(u.GetGenericArguments()[1], onPath));
            return map;
        }
        if (!IsRecord(u)) throw new NotSupportedException($"ModelWalk cannot make a {u}: teach it");
        if (!onPath.Add(u)) return null;
        object o = Activator.CreateInstance(u)!;
        foreach (var p in JsonProperties(u)) p.SetValue(o, Make(p.PropertyType, onPath));
        onPath.Remove(u);
        return o;
    }
}
