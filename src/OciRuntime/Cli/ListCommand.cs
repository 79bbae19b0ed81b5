using System.CommandLine;
using System.Text;
using OciRuntime.State;

namespace OciRuntime.Cli;

internal static class ListCommand
{
    internal static Command Build(GlobalOptionSet globals)
    {
        var c = new Command("list", "lists containers started by ocirun with the given root");
        c.Aliases.Add("ps-list");
        var format = new Option<string>("--format", "-f") { DefaultValueFactory = _ => "table", Description = "select one of: table or json" };
        format.AcceptOnlyFromAmong("table", "json");
        var quiet = new Option<bool>("--quiet", "-q") { Description = "display only container IDs" };
        c.Add(format); c.Add(quiet);
        c.SetHandler(globals, (r, g, _) =>
        {
            var store = g.Store();
            var views = new List<StateView>();
            using (var root = new Interop.OwnedFd(store.OpenRoot()))
            {
                foreach (var id in store.ListIds().Order(StringComparer.Ordinal))
                {
                    try { views.Add(Container.Peek(store, id, root.Fd).View()); }
                    catch (RuntimeError e) when (e is DamagedState or ContainerNotFound)
                    {
                        // A damaged or half-written entry is listed as stopped (nothing of it can run), never a crash:
                        // `delete` (or `delete --force` for a damaged one) removes it.
                        views.Add(StateView.OfDamaged(id));
                    }
                }
            }
            var o = new StringBuilder();
            if (r.GetValue(quiet)) foreach (var v in views) o.Append(v.Id).Append('\n');
            else if (r.GetValue(format) == "json") o.Append(StateViewJson.Format(views)).Append('\n');
            else
            {
                var rows = new List<string[]>(views.Count);
                foreach (var v in views)
                    rows.Add([v.Id, v.Pid.ToString(), v.Status, Cell(v.Bundle),
                              v.Created is { } t ? t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ") : "-", Cell(v.Owner)]);
                string[] head = ["ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"];
                int[] w = new int[head.Length];
                for (int i = 0; i < head.Length; i++) w[i] = head[i].Length;
                foreach (var row in rows)
                    for (int i = 0; i < row.Length; i++) w[i] = Math.Max(w[i], row[i].Length);
                // Plain appends: a thousand rows through LINQ and string.Join took a seventh of the whole list.
                void Row(string[] cells)
                {
                    for (int i = 0; i < cells.Length; i++)
                    {
                        o.Append(cells[i]);
                        if (i < cells.Length - 1) o.Append(' ', w[i] - cells[i].Length + 3);
                    }
                    o.Append('\n');
                }
                Row(head);
                foreach (var row in rows) Row(row);
            }
            Console.Out.Write(o.ToString());
            return 0;
        });
        return c;
    }

    /// <summary>An unknown value shows as "-": a blank cell would shift the columns for whoever splits the line.</summary>
    private static string Cell(string? value) => string.IsNullOrEmpty(value) ? "-" : value;
}
