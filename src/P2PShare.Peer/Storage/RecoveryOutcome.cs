namespace P2PShare.Peer.Storage;

/// <summary>
/// What <see cref="PartRecovery.Check"/> did: pieces read and hashed, unrecorded pieces that matched
/// (recovered), recorded pieces that no longer matched (damaged), and whether the file system reported
/// data ranges (false: every unrecorded piece was read).
/// </summary>
internal sealed record RecoveryOutcome(int Checked, int Recovered, int Damaged, bool RangesKnown);
