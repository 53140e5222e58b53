namespace P2PShare.EndToEnd.Tests;

/// <summary>A test that needs network namespaces: skipped, with the reason, where they cannot be made.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class NamespaceFactAttribute : FactAttribute
{
    private static readonly string? Unavailable = NamespacePair.WhyUnavailable();

    /// <summary>Sets <see cref="FactAttribute.Skip"/> when namespaces are unavailable.</summary>
    public NamespaceFactAttribute()
    {
        if (Unavailable is not null)
            Skip = "needs network namespaces: " + Unavailable;
    }
}
