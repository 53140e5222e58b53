namespace P2PShare.Peer.Transfer;

/// <summary>What each <see cref="PickRule"/> asks of the holder.</summary>
public static class PickRules
{
    /// <summary>Whether the request may carry <c>defer</c>: only a seeder-run pick, before the elsewhere bound.</summary>
    public static bool MayDefer(this PickRule rule) => rule is PickRule.Run or PickRule.RunAgain;
}
