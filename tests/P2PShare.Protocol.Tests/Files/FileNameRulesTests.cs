using System.Text;
using P2PShare.Protocol.Files;

namespace P2PShare.Protocol.Tests.Files;

/// <summary>Names from the network are relative paths of safe segments, never a way out of the repository.</summary>
public sealed class FileNameRulesTests
{
    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("a\\b")]
    [InlineData("/etc/passwd")]
    [InlineData("/x")]
    [InlineData("../secret")]
    [InlineData("..\\secret")]
    [InlineData("a/../../secret")]
    [InlineData("a/..")]
    [InlineData("a/./b")]
    [InlineData("./a")]
    [InlineData("a//b")]
    [InlineData("a/")]
    [InlineData("/")]
    [InlineData("C:\\x")]
    [InlineData("C:x")]
    [InlineData("c:/x")]
    [InlineData("a/c:x")]
    [InlineData("a\nb")]
    [InlineData("a\rb")]
    [InlineData("a\tb")]
    [InlineData("a\0b")]
    [InlineData("dir\0/x")]
    [InlineData("\u007f")]
    [InlineData("a\u0085b")]
    [InlineData("trailing space ")]
    [InlineData("trailing dot.")]
    [InlineData("folder./x")]
    [InlineData("folder /x")]
    [InlineData("bad \uFFFD decode")]
    [InlineData("a/bad \uFFFD/x")]
    public void Rejects_unsafe_names(string name)
    {
        Assert.False(FileNameRules.IsValid(name));
        Assert.NotNull(FileNameRules.Check(name));
        Assert.Throws<ProtocolException>(() => FileNameRules.Require(name));
    }

    [Theory]
    [InlineData("con")]
    [InlineData("CON")]
    [InlineData("Con.txt")]
    [InlineData("nul.tar.gz")]
    [InlineData("aux .c")]
    [InlineData("prn.")]
    [InlineData("com1")]
    [InlineData("COM9.log")]
    [InlineData("lpt1")]
    [InlineData("Lpt9.txt")]
    [InlineData("com¹")]
    [InlineData("conin$")]
    [InlineData("CONOUT$.txt")]
    [InlineData("con/x")]
    [InlineData("photos/NUL/x.jpg")]
    [InlineData("photos/aux.jpg")]
    public void Rejects_Windows_device_names_in_any_segment_in_any_case_and_with_any_extension(string name)
    {
        var problem = FileNameRules.Check(name);
        Assert.NotNull(problem);
        Assert.True(problem.Contains("Windows device name", StringComparison.Ordinal) || problem.Contains("ends with", StringComparison.Ordinal), problem);
    }

    [Theory]
    [InlineData("console.txt")]
    [InlineData("com0")]
    [InlineData("com10")]
    [InlineData("lpt")]
    [InlineData("nully.txt")]
    [InlineData("my.con")]
    [InlineData("aux_notes.c")]
    [InlineData("x.nul")]
    [InlineData("console/com10/x.nul")]
    public void Accepts_names_that_only_resemble_device_names(string name) => Assert.True(FileNameRules.IsValid(name), FileNameRules.Check(name));

    [Fact]
    public void Rejects_null() => Assert.False(FileNameRules.IsValid(null));

    [Fact]
    public void Rejects_segments_over_255_utf8_bytes_even_under_255_characters()
    {
        Assert.True(FileNameRules.IsValid(new string('a', 255)));
        Assert.False(FileNameRules.IsValid(new string('a', 256)));
        Assert.False(FileNameRules.IsValid(new string('é', 128))); // 128 characters, 256 bytes
        Assert.True(FileNameRules.IsValid(new string('é', 127)));
        Assert.True(FileNameRules.IsValid("d/" + new string('a', 255)));
        Assert.False(FileNameRules.IsValid(new string('a', 300) + "/x"));
        Assert.False(FileNameRules.IsValid("d/" + new string('é', 128)));
    }

    [Fact]
    public void Rejects_whole_names_over_the_total_limit_though_every_segment_fits()
    {
        string segment = new('a', 200);
        string fits = string.Join('/', Enumerable.Repeat(segment, 5)); // 1004 bytes
        string atLimit = fits + "/" + new string('b', 19);
        Assert.Equal(FileNameRules.MaxNameBytes, Encoding.UTF8.GetByteCount(atLimit));
        Assert.True(FileNameRules.IsValid(atLimit));
        Assert.False(FileNameRules.IsValid(atLimit + "b"));
        Assert.Contains("longer than 1024 bytes", FileNameRules.Check(atLimit + "b"), StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_names_nested_deeper_than_the_depth_limit()
    {
        string deepest = string.Join('/', Enumerable.Repeat("d", FileNameRules.MaxDepth - 1)) + "/f";
        Assert.True(FileNameRules.IsValid(deepest), FileNameRules.Check(deepest));
        Assert.Contains("more than 32 segments", FileNameRules.Check("d/" + deepest), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("report;v1::final.txt")]
    [InlineData("Ünïcødé.txt")]
    [InlineData("Ünïcødé 文件 🎉")]
    [InlineData("a b")]
    [InlineData(".hidden")]
    [InlineData("...x")]
    [InlineData("x")]
    [InlineData("a/b")]
    [InlineData("photos/2025/beach.jpg")]
    [InlineData("fotos del año/été 文件/x y.txt")]
    [InlineData("a/.hidden/b")]
    public void Accepts_ordinary_names(string name)
    {
        Assert.True(FileNameRules.IsValid(name), FileNameRules.Check(name));
        Assert.Equal(name, FileNameRules.Require(name));
    }

    [Fact]
    public void Segments_are_the_folders_then_the_file()
    {
        Assert.Equal(["photos", "2025", "beach.jpg"], FileNameRules.Segments("photos/2025/beach.jpg"));
        Assert.Throws<ProtocolException>(() => FileNameRules.Segments("a//b"));
    }
}
