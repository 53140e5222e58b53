using System.Diagnostics;

namespace P2PShare.EndToEnd.Tests;

/// <summary>A small tmpfs mounted for one test (a real filesystem that can be filled up); unmounted on dispose.</summary>
internal sealed class Tmpfs : IDisposable
{
    private static readonly Lazy<string?> Unavailable = new(Probe);

    private Tmpfs(string path) => Path = path;

    public string Path { get; }

    /// <summary>Null when a tmpfs can be mounted here; otherwise why not.</summary>
    public static string? WhyUnavailable => Unavailable.Value;

    public static Tmpfs Mount(string path, long sizeBytes)
    {
        Run("mount", "-t", "tmpfs", "-o", $"size={sizeBytes}", "tmpfs", path);
        return new Tmpfs(path);
    }

    /// <summary>Writes <paramref name="path"/> until the filesystem refuses with "no space left".</summary>
    public static void FillUp(string path)
    {
        var chunk = new byte[4096];
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1);
        try
        {
            for (int i = 0; i < 1_000_000; i++)
                stream.Write(chunk);
        }
        catch (IOException e) when (e.HResult == 28)
        {
            return; // full
        }
        throw new InvalidOperationException($"{path}: the filesystem never filled up");
    }

    public void Dispose() => Run("umount", "-l", Path);

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux())
            return "a tmpfs needs Linux";
        if (!Environment.IsPrivilegedProcess)
            return "mounting a tmpfs needs root";
        string probe = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "p2pshare-tmpfs-probe-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(probe);
        try
        {
            Run("mount", "-t", "tmpfs", "-o", "size=65536", "tmpfs", probe);
            Run("umount", probe);
            return null;
        }
        catch (InvalidOperationException e)
        {
            return $"cannot mount a tmpfs here ({e.Message})";
        }
        finally
        {
            Directory.Delete(probe);
        }
    }

    private static void Run(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        try
        {
            using var process = Process.Start(info)!;
            string errors = process.StandardError.ReadToEnd();
            if (!process.WaitForExit(10_000) || process.ExitCode != 0)
                throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed: {errors.Trim()}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{program} is not available: {e.Message}", e);
        }
    }
}

/// <summary>A fact that needs a real tmpfs; skipped, with the reason, where none can be mounted (not root, no mount).</summary>
public sealed class TmpfsFactAttribute : FactAttribute
{
    public TmpfsFactAttribute()
    {
        if (Tmpfs.WhyUnavailable is string reason)
            Skip = $"{reason}; the storage-seam test covers the same behaviour";
    }
}
