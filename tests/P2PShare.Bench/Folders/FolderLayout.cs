using System.Globalization;
using System.Security.Cryptography;

namespace P2PShare.Bench.Folders;

/// <summary>
/// The repository the <c>folders</c> benchmark shares: <see cref="FetchFolder"/> of
/// <see cref="FetchFiles"/> files of <see cref="FetchFileBytes"/> each, more folders of small files up
/// to <see cref="TotalFiles"/> - 1 files in <see cref="Folders"/> folders, and one file at the top,
/// <see cref="SingleName"/>, as large as the whole fetch folder (the same-holder baseline).
/// </summary>
internal sealed record FolderLayout
{
    public const string FetchFolder = "fetch";
    public const string SingleName = "single.bin";

    /// <summary>A folder of small files fetched before the timed fetches, so the folder path is compiled (not one of the first three small files' folders).</summary>
    public const string WarmUpFolder = "album-197";

    public int TotalFiles { get; init; } = 10_000;
    public int Folders { get; init; } = 200;
    public int FetchFiles { get; init; } = 1000;
    public int FetchFileBytes { get; init; } = 64 * 1024;
    public int SmallFileBytes { get; init; } = 4 * 1024;

    /// <summary>Without folder support (before the `folders` work): the same files, named `a--b` at the top instead of `a/b`.</summary>
    public bool Flat { get; init; }

    public long FetchBytes => (long)FetchFiles * FetchFileBytes;

    /// <summary>The shared name of fetch file <paramref name="i"/>.</summary>
    public string FetchName(int i) => Join(FetchFolder, string.Create(CultureInfo.InvariantCulture, $"part-{i:0000}.bin"));

    /// <summary>Every shared name with its length, the single file first.</summary>
    public IEnumerable<(string Name, long Length)> Files()
    {
        yield return (SingleName, FetchBytes);
        for (int i = 0; i < FetchFiles; i++)
            yield return (FetchName(i), FetchFileBytes);
        int others = TotalFiles - 1 - FetchFiles, folders = Folders - 1;
        for (int i = 0; i < others; i++)
        {
            string folder = string.Create(CultureInfo.InvariantCulture, $"album-{i % folders:000}");
            yield return (Join(folder, string.Create(CultureInfo.InvariantCulture, $"photo-{i / folders:0000}.jpg")), SmallFileBytes);
        }
    }

    /// <summary>Writes every file (random bytes) under <paramref name="root"/>.</summary>
    public void Write(string root)
    {
        var buffer = new byte[1024 * 1024];
        foreach (var (name, length) in Files())
        {
            string path = Path.Combine(root, name.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1);
            for (long left = length; left > 0; left -= buffer.Length)
            {
                int n = (int)Math.Min(buffer.Length, left);
                RandomNumberGenerator.Fill(buffer.AsSpan(0, n));
                file.Write(buffer, 0, n);
            }
        }
    }

    private string Join(string folder, string name) => Flat ? $"{folder}--{name}" : $"{folder}/{name}";
}
