namespace RnnStream.Feeds.Parsing;

/// <summary>The feed does not have the columns its schema names: a configuration error, not a bad record.</summary>
public sealed class FeedSchemaException(string message) : Exception(message);
