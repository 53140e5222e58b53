namespace P2PShare.EndToEnd.Tests;

/// <summary>A test that needs a <see cref="BridgedLan"/>: skipped, with the reason, where one cannot be made.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BridgedLanFactAttribute : FactAttribute
{
    private static readonly string? Unavailable = BridgedLan.WhyUnavailable();

    /// <summary>Sets <see cref="FactAttribute.Skip"/> when namespaces, bridges or nftables are unavailable.</summary>
    public BridgedLanFactAttribute()
    {
        if (Unavailable is not null)
            Skip = "needs network namespaces with nftables: " + Unavailable;
    }
}
