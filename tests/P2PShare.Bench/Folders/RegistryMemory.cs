using System.Net;
using System.Security.Cryptography;
using P2PShare.Protocol.Files;
using P2PShare.Protocol.Messages;
using P2PShare.Tracker.Registry;

namespace P2PShare.Bench.Folders;

/// <summary>
/// The tracker's managed memory for one peer's repository, measured in this process on the
/// tracker's own <see cref="FileRegistry"/>: the live heap after full collections, before and after
/// the peer's announce. (The tracker process's resident memory is measured separately: that
/// includes the runtime and its GC's free space, this is what the registry keeps.)
/// </summary>
internal static class RegistryMemory
{
    /// <summary>Bytes of managed heap the registry keeps for <paramref name="files"/> announced by one peer.</summary>
    public static long Measure(IReadOnlyList<(string Name, long Length)> files)
    {
        // Built first, so only what the registry itself keeps of them is counted.
        var entries = files.Select(f => new FileEntry(FileId.FromBytes(RandomNumberGenerator.GetBytes(32)), f.Name, f.Length, 256 * 1024, null)).ToList();
        var registry = new FileRegistry();
        long before = Heap();
        registry.Join(1, new IPEndPoint(IPAddress.Loopback, 7000));
        var result = registry.Announce(1, entries);
        long after = Heap();
        if (result.Accepted != entries.Count)
            throw new InvalidOperationException($"the registry accepted {result.Accepted} of {entries.Count} entries: {(result.Rejections.Count > 0 ? result.Rejections[0].Reason : "")}");
        GC.KeepAlive(registry);
        GC.KeepAlive(entries);
        return after - before;
    }

    private static long Heap()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
