using P2PShare.Peer;
using P2PShare.Peer.Commands;

namespace P2PShare.EndToEnd.Tests;

/// <summary>The command loop against a real in-process network: what people type, and what they get back.</summary>
public sealed class CommandLoopNetworkTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static async Task<string> RunAsync(CommandLoop loop, StringWriter written, string line)
    {
        int before = written.ToString().Length;
        Assert.True(await loop.ExecuteAsync(line, CancellationToken.None).WaitAsync(Deadline));
        return written.ToString()[before..];
    }

    // An earlier download may finish while a later one starts, so its "Downloaded" line can come first.
    private static void AssertStarted(string name, string output) =>
        Assert.True(output.Split('\n').Any(line => line.StartsWith($"Downloading '{name}' (", StringComparison.Ordinal)), output);

    [Fact]
    public async Task A_name_with_spaces_may_be_single_quoted_or_typed_bare_when_it_is_the_whole_rest_of_the_line()
    {
        await using var net = new PeerNetwork();
        await net.StartTrackerAsync();
        var seederOptions = net.Options("seeder");
        TestFiles.Write(seederOptions.RepositoryPath!, "my file.txt", TestFiles.Random(70_000, seed: 1));
        TestFiles.Write(seederOptions.RepositoryPath!, "holiday photos.zip", TestFiles.Random(70_000, seed: 2));
        TestFiles.Write(seederOptions.RepositoryPath!, "Bob's notes.txt", TestFiles.Random(70_000, seed: 3));
        await net.StartPeerAsync(seederOptions);
        var leecherOptions = net.Options("leecher");
        var leecher = await net.StartPeerAsync(leecherOptions);
        var written = new StringWriter();
        var loop = new CommandLoop(leecher, new StringReader(""), new UserOutput(written), prompt: false);

        AssertStarted("my file.txt", await RunAsync(loop, written, "request my file.txt"));
        AssertStarted("holiday photos.zip", await RunAsync(loop, written, "request 'holiday photos.zip'"));
        AssertStarted("Bob's notes.txt", await RunAsync(loop, written, "request Bob's notes.txt"));
        await RunAsync(loop, written, "wait");

        foreach (var name in new[] { "my file.txt", "holiday photos.zip", "Bob's notes.txt" })
            Assert.True(File.Exists(Path.Combine(leecherOptions.RepositoryPath!, name)), written.ToString());
    }

    [Fact]
    public async Task A_short_hex_id_is_told_it_needs_six_digits()
    {
        await using var net = new PeerNetwork();
        await net.StartTrackerAsync();
        var leecher = await net.StartPeerAsync(net.Options("leecher"));
        var written = new StringWriter();
        var loop = new CommandLoop(leecher, new StringReader(""), new UserOutput(written), prompt: false);

        Assert.Equal("error: no file named '726d' in the network; to give an id, give at least 6 hex digits of it (`list` shows them).\n",
            await RunAsync(loop, written, "request 726d"));
    }

    [Fact]
    public async Task A_shared_file_deleted_from_the_folder_is_no_longer_claimed_and_can_be_fetched_again()
    {
        await using var net = new PeerNetwork();
        await net.StartTrackerAsync();
        var content = TestFiles.Random(200_000, seed: 4);
        var keeperOptions = net.Options("keeper");
        TestFiles.Write(keeperOptions.RepositoryPath!, "report.pdf", content);
        await net.StartPeerAsync(keeperOptions);
        var forgetfulOptions = net.Options("forgetful");
        string path = TestFiles.Write(forgetfulOptions.RepositoryPath!, "report.pdf", content);
        var forgetful = await net.StartPeerAsync(forgetfulOptions);
        File.Delete(path);
        var written = new StringWriter();
        var loop = new CommandLoop(forgetful, new StringReader(""), new UserOutput(written), prompt: false);

        Assert.StartsWith("Downloading 'report.pdf'", await RunAsync(loop, written, "request report.pdf"), StringComparison.Ordinal);
        await RunAsync(loop, written, "wait");

        Assert.Equal(content, File.ReadAllBytes(path));
        Assert.Contains("Downloaded 'report.pdf'", written.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Piped_commands_exit_non_zero_when_a_download_they_waited_for_at_end_of_input_failed()
    {
        await using var net = new PeerNetwork();
        await net.StartTrackerAsync();
        var seederOptions = net.Options("seeder");
        TestFiles.Write(seederOptions.RepositoryPath!, "big.bin", TestFiles.Random(300_000, seed: 5));
        await net.StartPeerAsync(seederOptions, parts: new PeerParts { ServeThrough = CorruptPieces.Wrap });
        var leecher = await net.StartPeerAsync(net.Options("leecher") with { StallTimeout = TimeSpan.FromSeconds(2) }, join: false);
        var written = new StringWriter();
        var loop = new CommandLoop(leecher, new StringReader($"start {net.TrackerAddress}\nrequest big.bin\n"), new UserOutput(written), prompt: false);

        int exitCode = await loop.RunAsync(CancellationToken.None).WaitAsync(Deadline);

        Assert.Contains("Download of 'big.bin' failed", written.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, exitCode);
    }
}
