using System.Diagnostics;
using System.Security.Cryptography;

namespace P2PShare.Bench.Swarm;

/// <summary>The benchmark's files: a random source, hard-linked copies for the seeders, a byte comparison.</summary>
internal static class BenchFiles
{
    private const int ChunkLength = 1024 * 1024;

    /// <summary>Writes <paramref name="length"/> random bytes to <paramref name="path"/>.</summary>
    public static void WriteRandom(string path, long length)
    {
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1);
        var chunk = new byte[ChunkLength];
        for (long left = length; left > 0; left -= chunk.Length)
        {
            RandomNumberGenerator.Fill(chunk);
            file.Write(chunk, 0, (int)Math.Min(chunk.Length, left));
        }
    }

    /// <summary>Puts <paramref name="source"/> at <paramref name="destination"/>: a hard link (no disk used), else a copy.</summary>
    public static void Link(string source, string destination)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        if (File.Exists(destination))
            return; // a seeder started again on its repository
        var info = new ProcessStartInfo("ln") { UseShellExecute = false, RedirectStandardError = true };
        info.ArgumentList.Add(source);
        info.ArgumentList.Add(destination);
        try
        {
            using var ln = Process.Start(info)!;
            ln.WaitForExit();
            if (ln.ExitCode == 0)
                return;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No `ln`: copy instead.
        }
        File.Copy(source, destination);
    }

    /// <summary>True when both files hold the same bytes.</summary>
    public static bool SameContent(string a, string b)
    {
        using var left = new FileStream(a, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        using var right = new FileStream(b, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        if (left.Length != right.Length)
            return false;
        var x = new byte[ChunkLength];
        var y = new byte[ChunkLength];
        while (true)
        {
            int n = left.ReadAtLeast(x, x.Length, throwOnEndOfStream: false);
            int m = right.ReadAtLeast(y, y.Length, throwOnEndOfStream: false);
            if (n != m || !x.AsSpan(0, n).SequenceEqual(y.AsSpan(0, m)))
                return false;
            if (n == 0)
                return true;
        }
    }
}
