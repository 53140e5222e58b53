using System.Diagnostics;

namespace P2PShare.EndToEnd.Tests;

/// <summary>A <see cref="BridgedLanFactAttribute"/> test that also runs <c>dig</c> (dnsutils): skipped, with the reason, without it.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class DigFactAttribute : FactAttribute
{
    private static readonly string? Unavailable = BridgedLan.WhyUnavailable() ?? WhyNoDig();

    /// <summary>Sets <see cref="FactAttribute.Skip"/> when a LAN cannot be made or dig is missing.</summary>
    public DigFactAttribute()
    {
        if (Unavailable is not null)
            Skip = "needs network namespaces and dig: " + Unavailable;
    }

    private static string? WhyNoDig()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("dig", "-v") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false })!;
            process.StandardError.ReadToEnd();
            return process.WaitForExit(10_000) && process.ExitCode == 0 ? null : "`dig -v` failed";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "the `dig` command (dnsutils) is not installed";
        }
    }
}
