namespace P2PShare.Peer.Storage;

/// <summary>What <see cref="PartRecovery.Recover"/> did: pieces read and hashed, pieces that matched, and whether the file system reported data ranges (false: every unlisted piece was read).</summary>
internal sealed record RecoveryOutcome(int Checked, int Recovered, bool RangesKnown);
