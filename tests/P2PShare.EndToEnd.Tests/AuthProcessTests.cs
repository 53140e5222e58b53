using System.Text.RegularExpressions;

namespace P2PShare.EndToEnd.Tests;

/// <summary>The shared secret given the ways people give it: a key file, the environment, or not at all.</summary>
public sealed partial class AuthProcessTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private const string Secret = "e2e shared secret, long enough";
    private static readonly Dictionary<string, string> NoSecret = new() { ["P2PSHARE_SECRET"] = "" };
    private static readonly Dictionary<string, string> WithSecret = new() { ["P2PSHARE_SECRET"] = Secret };

    [Fact]
    public async Task Only_peers_given_the_secret_by_file_or_environment_join_and_download()
    {
        using var folder = new TempFolder();
        var content = TestFiles.Random(300_000, seed: 9);
        var seederRepo = folder.Sub("seeder");
        TestFiles.Write(seederRepo, "notes.bin", content);
        var keyFile = Path.Combine(folder.Path, "network.key");
        await File.WriteAllTextAsync(keyFile, Secret + "\n");

        using var open = RunningProcess.StartWith(NoSecret, "P2PShare.Tracker", folder.Path, "--port", "0", "--host", "127.0.0.1");
        using var tracker = RunningProcess.StartWith(WithSecret, "P2PShare.Tracker", folder.Path, "--port", "0", "--host", "127.0.0.1");
        string address = Address().Match(await tracker.WaitForLineAsync("listening on", Deadline)).Value;
        await tracker.WaitForLineAsync("Authentication is ON", Deadline);
        await open.WaitForLineAsync("Authentication is OFF", Deadline);

        using var seeder = RunningProcess.StartWith(NoSecret, "P2PShare.Peer", folder.Path, "serve", "--port", "0", "--bind", "127.0.0.1", "--repo", seederRepo,
            "--tracker", address, "--secret-file", keyFile);
        await seeder.WaitForLineAsync("Sharing", Deadline);

        using var stranger = RunningProcess.StartWith(NoSecret, "P2PShare.Peer", folder.Path, "get", "notes.bin", "--port", "0", "--bind", "127.0.0.1",
            "--repo", folder.Sub("stranger"), "--tracker", address);
        Assert.NotEqual(0, await stranger.WaitForExitAsync(Deadline));
        Assert.Contains("refused us: a shared secret is required", stranger.Errors, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(folder.Sub("stranger"), "notes.bin")));

        using var member = RunningProcess.StartWith(WithSecret, "P2PShare.Peer", folder.Path, "get", "notes.bin", "--port", "0", "--bind", "127.0.0.1",
            "--repo", folder.Sub("member"), "--tracker", address);
        Assert.Equal(0, await member.WaitForExitAsync(Deadline));
        Assert.Equal(content, File.ReadAllBytes(Path.Combine(folder.Sub("member"), "notes.bin")));
    }

    [Fact]
    public async Task A_secret_too_short_is_refused_at_start_with_a_reason()
    {
        using var folder = new TempFolder();
        using var tracker = RunningProcess.StartWith(NoSecret, "P2PShare.Tracker", folder.Path, "--port", "0", "--host", "127.0.0.1", "--secret", "short");

        Assert.Equal(2, await tracker.WaitForExitAsync(Deadline));
        Assert.Contains("at least 8", tracker.Errors, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"127\.0\.0\.1:\d+")]
    private static partial Regex Address();
}
