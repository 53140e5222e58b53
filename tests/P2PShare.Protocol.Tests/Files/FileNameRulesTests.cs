using P2PShare.Protocol.Files;

namespace P2PShare.Protocol.Tests.Files;

/// <summary>Names from the network are a single path component, never a way out of the repository.</summary>
public sealed class FileNameRulesTests
{
    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("/etc/passwd")]
    [InlineData("../secret")]
    [InlineData("..\\secret")]
    [InlineData("C:\\x")]
    [InlineData("C:x")]
    [InlineData("a\nb")]
    [InlineData("a\rb")]
    [InlineData("a\tb")]
    [InlineData("a\0b")]
    [InlineData("\u007f")]
    [InlineData("a\u0085b")]
    [InlineData("trailing space ")]
    [InlineData("trailing dot.")]
    [InlineData("bad \uFFFD decode")]
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
    public void Rejects_Windows_device_names_in_any_case_and_with_any_extension(string name)
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
    public void Accepts_names_that_only_resemble_device_names(string name) => Assert.True(FileNameRules.IsValid(name), FileNameRules.Check(name));

    [Fact]
    public void Rejects_null() => Assert.False(FileNameRules.IsValid(null));

    [Fact]
    public void Rejects_names_over_255_utf8_bytes_even_under_255_characters()
    {
        Assert.True(FileNameRules.IsValid(new string('a', 255)));
        Assert.False(FileNameRules.IsValid(new string('a', 256)));
        Assert.False(FileNameRules.IsValid(new string('é', 128))); // 128 characters, 256 bytes
        Assert.True(FileNameRules.IsValid(new string('é', 127)));
    }

    [Theory]
    [InlineData("report;v1::final.txt")]
    [InlineData("Ünïcødé.txt")]
    [InlineData("Ünïcødé 文件 🎉")]
    [InlineData("a b")]
    [InlineData(".hidden")]
    [InlineData("...x")]
    [InlineData("x")]
    public void Accepts_ordinary_names(string name)
    {
        Assert.True(FileNameRules.IsValid(name), FileNameRules.Check(name));
        Assert.Equal(name, FileNameRules.Require(name));
    }
}
