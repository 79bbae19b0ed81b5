// Two cores are shared by several engineers: test classes (xunit collections) run in
// parallel, but never on more than two threads at once.
[assembly: CollectionBehavior(CollectionBehavior.CollectionPerClass, MaxParallelThreads = 2)]

// Containers are a Linux thing; this keeps the platform analyzer quiet about Unix APIs.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
