using System.Diagnostics;

namespace P2PShare.Bench.Lan;

/// <summary>Runs iproute2's <c>ip</c> and <c>tc</c> (the only way in to namespaces, bridges and qdiscs), with a timeout.</summary>
internal static class IpCommand
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    /// <summary>Runs <c>ip ARGS</c>; throws with its stderr when it fails.</summary>
    public static string Ip(params string[] args) => Checked("ip", args);

    /// <summary>Runs <c>ip netns exec NS tc ARGS</c>; throws with its stderr when it fails.</summary>
    public static void Tc(string netns, params string[] args) => Checked("ip", ["netns", "exec", netns, "tc", .. args]);

    /// <summary>Runs <paramref name="program"/>; returns its exit code (-1 when it did not end in time), stdout and stderr.</summary>
    public static (int ExitCode, string Output, string Errors) Run(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {program}");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill();
            return (-1, "", $"{program} did not end within {Timeout.TotalSeconds} s");
        }
        return (process.ExitCode, output.Result, errors.Result);
    }

    private static string Checked(string program, string[] args)
    {
        var (code, output, errors) = Run(program, args);
        return code == 0 ? output : throw new InvalidOperationException($"`{program} {string.Join(' ', args)}` failed ({code}): {errors.Trim()}");
    }
}
