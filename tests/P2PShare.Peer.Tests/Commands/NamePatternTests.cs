using P2PShare.Peer.Commands;

namespace P2PShare.Peer.Tests.Commands;

public sealed class NamePatternTests
{
    [Theory]
    // No folder in the pattern: the file's own name, at any depth.
    [InlineData("*.jpg", "beach.jpg", true)]
    [InlineData("*.jpg", "photos/2025/beach.JPG", true)]
    [InlineData("*.jpg", "photos/beach.jpg.txt", false)]
    [InlineData("b?ach.*", "photos/beach.jpg", true)]
    // A folder in the pattern: the whole path; `*` stays within one level.
    [InlineData("photos/*.jpg", "photos/beach.jpg", true)]
    [InlineData("photos/*.jpg", "photos/2025/beach.jpg", false)]
    [InlineData("photos/*.jpg", "old/photos/beach.jpg", false)]
    [InlineData("*/beach.jpg", "photos/beach.jpg", true)]
    [InlineData("*/beach.jpg", "a/b/beach.jpg", false)]
    [InlineData("photos/?/x", "photos/a/x", true)]
    [InlineData("photos?x", "photos/x", false)]
    // `**` crosses levels; `**/` also stands for no level at all.
    [InlineData("photos/**/*.jpg", "photos/beach.jpg", true)]
    [InlineData("photos/**/*.jpg", "photos/2025/06/beach.jpg", true)]
    [InlineData("photos/**", "photos/2025/06/beach.jpg", true)]
    [InlineData("**/beach.jpg", "beach.jpg", true)]
    [InlineData("**/beach.jpg", "x/y/beach.jpg", true)]
    [InlineData("photos/**.jpg", "photos/2025/beach.jpg", true)]
    [InlineData("PHOTOS/**", "photos/a", true)]
    // Ending in `/`: everything under the folders it names.
    [InlineData("photos/*/", "photos/2025/beach.jpg", true)]
    [InlineData("photos/*/", "photos/beach.jpg", false)]
    [InlineData("2025/*", "photos/2025/beach.jpg", false)]
    // Regex characters are plain text.
    [InlineData("a+b (1).*", "a+b (1).txt", true)]
    [InlineData("a.b*", "axb", false)]
    // No wildcard: the name contains it, as before.
    [InlineData("beach", "photos/Beach.jpg", true)]
    [InlineData("photos/", "old-photos/x.jpg", true)]
    [InlineData("sea", "photos/beach.jpg", false)]
    public void A_pattern_matches_as_the_help_says(string pattern, string name, bool matches) =>
        Assert.Equal(matches, NamePattern.Matches(pattern, name));

    [Fact]
    public async Task A_pattern_that_would_backtrack_forever_still_answers_at_once()
    {
        // With a backtracking regex, `[^/]*a` eight times over 200 a's and no b takes ~200^8 steps.
        string name = new string('a', 200);
        var pattern = new NamePattern("*a*a*a*a*a*a*a*a*b");

        bool matched = await Task.Run(() => pattern.Matches(name)).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(matched);
    }
}
