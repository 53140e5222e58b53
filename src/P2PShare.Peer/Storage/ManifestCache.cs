using Microsoft.Extensions.Logging;
using P2PShare.Protocol;
using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Storage;

/// <summary>
/// The manifests of shared files, keyed by name and checked against the file's whole
/// <see cref="FileStamp"/> (length, modification and change time, inode, device), so that a restart
/// does not re-hash an unchanged repository, and a file whose content changed is re-hashed even if
/// its length and modification time were put back (<c>touch -r</c>): the change time cannot be.
/// Not thread-safe; the repository locks.
/// </summary>
/// <remarks>
/// Format (a <see cref="BinaryRecord"/>, magic <c>P2PSMANI</c>, version 2): u32 entry count, then per
/// entry: name (u16 length + UTF-8) | i64 length | i64 modification time | i64 change time (both ns
/// since 1970) | u64 inode | u64 device | manifest (u32 length + canonical bytes) | SHA-256 of all of it.
/// A version 1 cache (length and modification time only) is not trusted: every file is hashed once.
/// </remarks>
internal sealed class ManifestCache
{
    private const string Magic = "P2PSMANI";
    private const ushort Version = 2;

    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>True when entries changed since the last load or save.</summary>
    public bool IsDirty { get; private set; }

    public int Count => _entries.Count;

    /// <summary>
    /// The cached manifest, if the file is unchanged (the same stamp). Whatever piece length it was
    /// hashed with, it stays: the file's id is stable across restarts.
    /// </summary>
    public Manifest? Find(string name, FileStamp stamp) =>
        _entries.TryGetValue(name, out var e) && e.Stamp == stamp ? e.Manifest : null;

    public void Set(string name, FileStamp stamp, Manifest manifest)
    {
        var entry = new Entry(stamp, manifest);
        if (_entries.TryGetValue(name, out var old) && old == entry)
            return;
        _entries[name] = entry;
        IsDirty = true;
    }

    /// <summary>Forgets every entry whose name is not in <paramref name="names"/>.</summary>
    public void RetainOnly(IReadOnlySet<string> names)
    {
        foreach (string name in _entries.Keys.Where(n => !names.Contains(n)).ToList())
        {
            _entries.Remove(name);
            IsDirty = true;
        }
    }

    /// <summary>Writes the cache crash-safely if it changed.</summary>
    public void Save(string path)
    {
        if (!IsDirty)
            return;
        var record = new BinaryRecord(Magic, Version);
        record.WriteUInt32((uint)_entries.Count);
        foreach (var (name, entry) in _entries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            record.WriteString(name);
            record.WriteInt64(entry.Stamp.Length);
            record.WriteInt64(entry.Stamp.LastWriteNanos);
            record.WriteInt64(entry.Stamp.ChangeNanos);
            record.WriteInt64(unchecked((long)entry.Stamp.Inode));
            record.WriteInt64(unchecked((long)entry.Stamp.Device));
            record.WriteBlob(entry.Manifest.ToBytes());
        }
        AtomicFile.Write(path, record.ToArray());
        IsDirty = false;
    }

    /// <summary>The cache stored at <paramref name="path"/>; empty if there is none, and (logged) if it is damaged.</summary>
    public static ManifestCache Load(string path, ILogger logger)
    {
        try
        {
            return Parse(File.ReadAllBytes(path));
        }
        catch (FileNotFoundException)
        {
            return new ManifestCache();
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            StorageLog.CacheUnreadable(logger, path, e.Message);
            return new ManifestCache();
        }
    }

    /// <summary>Saves if changed; a failure is logged (the cache only saves time).</summary>
    public void TrySave(string path, ILogger logger)
    {
        try
        {
            Save(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            StorageLog.CacheSaveFailed(logger, path, e.Message);
        }
    }

    /// <summary>Decodes a cache file; throws <see cref="InvalidDataException"/> if it is damaged.</summary>
    public static ManifestCache Parse(byte[] bytes)
    {
        var reader = BinaryRecord.Open(bytes, Magic, Version);
        var cache = new ManifestCache();
        uint count = reader.ReadUInt32();
        for (uint i = 0; i < count; i++)
        {
            string name = reader.ReadString();
            long length = reader.ReadInt64();
            long mtime = reader.ReadInt64();
            long ctime = reader.ReadInt64();
            ulong inode = unchecked((ulong)reader.ReadInt64());
            ulong device = unchecked((ulong)reader.ReadInt64());
            Manifest manifest;
            try
            {
                manifest = Manifest.Parse(reader.ReadBlob());
            }
            catch (ProtocolException e)
            {
                throw new InvalidDataException($"entry '{name}': {e.Message}", e);
            }
            if (manifest.Length != length)
                throw new InvalidDataException($"entry '{name}' lists {length} bytes but its manifest {manifest.Length}");
            cache._entries[name] = new Entry(new FileStamp(length, mtime, ctime, inode, device), manifest);
        }
        if (!reader.AtEnd)
            throw new InvalidDataException("trailing bytes");
        return cache;
    }

    private sealed record Entry(FileStamp Stamp, Manifest Manifest);
}
