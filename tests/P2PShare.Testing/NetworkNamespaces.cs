using System.Diagnostics;

namespace P2PShare.Testing;

/// <summary>Whether Linux network namespaces can be made here: the end-to-end tests and the <c>lan</c> benchmark skip without them.</summary>
public static class NetworkNamespaces
{
    /// <summary>Why namespaces cannot be made here (one line), or null when they can.</summary>
    public static string? WhyUnavailable()
    {
        if (!OperatingSystem.IsLinux())
            return "network namespaces exist only on Linux";
        if (!Environment.IsPrivilegedProcess)
            return "creating network namespaces needs root";
        try
        {
            var info = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add("netns");
            info.ArgumentList.Add("list");
            using var process = Process.Start(info)!;
            process.StandardOutput.ReadToEnd();
            process.StandardError.ReadToEnd();
            return process.WaitForExit(10_000) && process.ExitCode == 0 ? null : "`ip netns list` failed; iproute2 or namespace support is missing";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "the `ip` command (iproute2) is not installed";
        }
    }
}
