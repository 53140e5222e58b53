namespace P2PShare.Bench.Lan;

/// <summary>
/// The links over one sampling interval (seconds from a run's common start), each as a share of the
/// link rate: the seeder's uplink, and the mean over the downloaders of their uplinks and downlinks.
/// </summary>
internal readonly record struct LinkSample(double From, double To, double SeederUp, double DownloadersUp, double DownloadersDown);
