namespace P2PShare.Peer.Storage;

/// <summary>
/// Replaces a small file so that a crash leaves either the old or the new content, never a torn
/// mix: write a temporary file beside it, flush it to disk, then rename it over the old one.
/// </summary>
internal static class AtomicFile
{
    /// <summary>Suffix of the temporary file; a leftover one (from a crash) is never read.</summary>
    public const string TempSuffix = ".tmp";

    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, ReadOnlySpan<byte> content)
    {
        string temp = path + TempSuffix;
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Deletes <paramref name="path"/> if it exists; false if that failed.</summary>
    public static bool TryDelete(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
