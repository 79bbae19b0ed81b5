using System.Runtime.CompilerServices;

// The tests drive the assembler and the decision tree directly (trampolines, tree shape).
[assembly: InternalsVisibleTo("Seccomp.Tests")]
