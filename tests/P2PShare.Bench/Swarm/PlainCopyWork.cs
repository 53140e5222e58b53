namespace P2PShare.Bench.Swarm;

/// <summary>What the plain TCP copy's receiver does besides receiving and writing (<see cref="PlainTcpCopy"/>).</summary>
[Flags]
internal enum PlainCopyWork
{
    /// <summary>Receive and write: the baseline.</summary>
    None = 0,

    /// <summary>SHA-256 of every 256 KiB block before it is written, as a download verifies every piece.</summary>
    Hash = 1,

    /// <summary>Sync the file to disk before the copy counts as done, as a download does before it takes its final name.</summary>
    Sync = 2,
}
