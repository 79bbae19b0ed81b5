using Cri.Tests.Support;

namespace Cri.Tests;

/// <summary>Every CRI test class shares one node: containerd and its CRI take seconds to start and to sweep.</summary>
[CollectionDefinition(Name)]
public sealed class CriCollection : ICollectionFixture<CriNode>
{
    public const string Name = "cri";
}
