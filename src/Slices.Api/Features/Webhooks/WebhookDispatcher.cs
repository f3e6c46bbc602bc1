using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using Dapper;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Crypto;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Events;

namespace Slices.Api.Features.Webhooks;

/// <summary>
/// Delivers due webhook messages in every worker process: claims queue rows with SKIP LOCKED, keeps up to
/// Webhooks:Concurrency requests in flight, and settles each attempt in one transaction (attempt row, delivery,
/// endpoint health, queue). A worker that dies leaves its claims to lapse (the timeout plus 10 s), and the messages
/// go out again with the same webhook-id: receivers deduplicate on it.
/// </summary>
public sealed class WebhookDispatcher(Db db, WebhookUrlGuard guard, WebhookOptions options, KeyRing keyRing, TimeProvider clock, ILogger<WebhookDispatcher> logger) : BackgroundService
{
    public static readonly Meter Meter = new("Slices.Webhooks");
    private static readonly Counter<long> Attempts = Meter.CreateCounter<long>("slices.webhooks.attempts", description: "Delivery attempts, by practice and outcome (success, failure)");
    private static readonly Histogram<double> Duration = Meter.CreateHistogram("slices.webhooks.attempt_duration", "s", "How long receivers took to answer",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15] });
    private static readonly Histogram<double> Lag = Meter.CreateHistogram("slices.webhooks.lag", "s", "From the event to its first attempt",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300] });

    private const string Claim = """
        UPDATE webhook_queue SET locked_until = now() + make_interval(secs => @lockSeconds)
        WHERE delivery_id IN (SELECT delivery_id FROM webhook_queue
                              WHERE due_at <= now() AND (locked_until IS NULL OR locked_until < now())
                              ORDER BY due_at LIMIT @limit FOR UPDATE SKIP LOCKED)
        RETURNING delivery_id, practice_id
        """;

    private const string Load = """
        SELECT d.id, d.message_id, d.body, d.attempts, d.status, (d.body::jsonb ->> 'timestamp')::timestamptz AS event_at,
               e.id AS endpoint_id, e.url, e.enabled, e.secret, e.previous_secret, e.previous_expires_at
        FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
        WHERE d.id = @id
        """;

    private const string Drop = "DELETE FROM webhook_queue WHERE delivery_id = @id";

    private const string Settle = """
        INSERT INTO webhook_attempts (practice_id, delivery_id, attempt, status_code, duration_ms, error)
        VALUES (current_tenant(), @id, @attempt, @statusCode, @durationMs, @error);
        UPDATE webhook_deliveries SET attempts = @attempt, status = @status, last_status = @statusCode, last_error = @error,
               next_attempt_at = @nextAt, delivered_at = CASE WHEN @status = 'succeeded' THEN now() END
        WHERE id = @id;
        UPDATE webhook_endpoints SET failing_since = CASE WHEN @succeeded THEN NULL ELSE coalesce(failing_since, now()) END
        WHERE id = @endpointId AND (failing_since IS NOT NULL OR NOT @succeeded);
        DELETE FROM webhook_queue WHERE delivery_id = @id AND @nextAt::timestamptz IS NULL;
        UPDATE webhook_queue SET due_at = @nextAt, locked_until = NULL WHERE delivery_id = @id AND @nextAt::timestamptz IS NOT NULL;
        UPDATE webhook_endpoints SET enabled = false, disabled_reason = @disable, updated_at = now(), version = version + 1
        WHERE id = @endpointId AND enabled AND (@gone OR failing_since < now() - make_interval(secs => @disableAfterSeconds))
        RETURNING disabled_reason;
        """;

    private readonly double[] _delays = options.Delays;

    private sealed record Due(Guid DeliveryId, Guid PracticeId);

    private sealed record Message(Guid Id, string MessageId, string Body, int Attempts, string Status, DateTimeOffset? EventAt,
        Guid EndpointId, string Url, bool Enabled, string Secret, string? PreviousSecret, DateTimeOffset? PreviousExpiresAt)
    {
        public Message() : this(Guid.Empty, "", "", 0, "", null, Guid.Empty, "", false, "", null, null) { }
    }

    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false, // a redirect is a failure: a signed body must not travel on to another host
        ConnectCallback = guard.ConnectAsync,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        MaxConnectionsPerServer = 64,
    })
    { Timeout = TimeSpan.FromSeconds(options.TimeoutSeconds) };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var slots = new SemaphoreSlim(options.Concurrency);
        var running = new HashSet<Task>();
        while (!stoppingToken.IsCancellationRequested)
        {
            IReadOnlyList<Due> due = [];
            try
            {
                await slots.WaitAsync(stoppingToken);
                slots.Release();
                due = await ClaimAsync(Math.Min(options.BatchSize, slots.CurrentCount), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (Exception e)
            {
                logger.LogWarning("Webhook dispatcher could not claim work: {Error}", e.GetType().Name);
            }
            foreach (var item in due)
            {
                await slots.WaitAsync(CancellationToken.None);
                var task = Task.Run(async () =>
                {
                    try
                    {
                        await DeliverAsync(item, stoppingToken);
                    }
                    finally
                    {
                        slots.Release();
                    }
                }, CancellationToken.None);
                lock (running) running.Add(task);
                _ = task.ContinueWith(t => { lock (running) running.Remove(t); }, TaskScheduler.Default);
            }
            if (due.Count > 0) continue;
            try
            {
                await Task.Delay(options.PollIntervalMs, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        Task[] left;
        lock (running) left = [.. running];
        await Task.WhenAll(left);
    }

    private async Task<IReadOnlyList<Due>> ClaimAsync(int limit, CancellationToken ct) =>
        [.. await db.UseAsync(connection => connection.QueryAsync<Due>(new CommandDefinition(Claim, new { limit, lockSeconds = (double)options.TimeoutSeconds + 10 }, cancellationToken: ct)), ct)];

    private async Task DeliverAsync(Due due, CancellationToken ct)
    {
        try
        {
            var message = await db.ReadInTenantAsync(due.PracticeId, Load, new DynamicParameters(new { id = due.DeliveryId }), rows => rows.ReadSingleOrDefaultAsync<Message>(), ct);
            if (message is null || message.Status != "pending" || !message.Enabled)
            {
                await db.WriteInTenantAsync(due.PracticeId, Drop, new DynamicParameters(new { id = due.DeliveryId }), ct);
                return;
            }
            if (message.Attempts == 0 && message.EventAt is { } at) Lag.Record(Math.Max(0, (clock.GetUtcNow() - at).TotalSeconds));
            var outcome = await SendAsync(due.PracticeId, message, ct);
            await SettleAsync(due.PracticeId, message, outcome, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // The claim lapses and another pass tries again; nothing is lost.
            logger.LogWarning("Webhook delivery {DeliveryId} not settled: {Error}", due.DeliveryId, e.GetType().Name);
        }
    }

    private sealed record Outcome(int? StatusCode, string? Error, TimeSpan Took, TimeSpan? RetryAfter)
    {
        public bool Succeeded => StatusCode is >= 200 and < 300;
    }

    private async Task<Outcome> SendAsync(Guid practiceId, Message m, CancellationToken ct)
    {
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        // During a rotation the old secret's signature comes first: right after a rotation receivers still hold the old
        // secret, and some libraries check only the first signature of the header.
        List<string> secrets = [Decrypt(m.Secret, EncryptedColumns.WebhookSecret, m.EndpointId, practiceId)];
        if (m.PreviousSecret is not null && m.PreviousExpiresAt > clock.GetUtcNow())
            secrets.Insert(0, Decrypt(m.PreviousSecret, EncryptedColumns.WebhookPreviousSecret, m.EndpointId, practiceId));
        using var request = new HttpRequestMessage(HttpMethod.Post, m.Url) { Content = new StringContent(m.Body, Encoding.UTF8, "application/json") };
        request.Headers.Add("webhook-id", m.MessageId);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", WebhookSecrets.Sign(secrets, m.MessageId, timestamp, m.Body));
        request.Headers.UserAgent.ParseAdd("Slices-Webhooks/1");
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            var code = (int)response.StatusCode;
            var retryAfter = code is 429 or 503 ? RetryAfter(response) : null;
            return new Outcome(code, code is >= 200 and < 300 ? null : $"the receiver answered {code}", Stopwatch.GetElapsedTime(started), retryAfter);
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return new Outcome(null, $"no answer within {options.TimeoutSeconds} s", Stopwatch.GetElapsedTime(started), null);
        }
        catch (HttpRequestException e)
        {
            var why = e.Message.StartsWith("refused:", StringComparison.Ordinal) ? "refused: the host resolves to an internal address" : $"connection failed ({e.HttpRequestError})";
            return new Outcome(null, why, Stopwatch.GetElapsedTime(started), null);
        }
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        var wait = header?.Delta ?? (header?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
        return wait is { } w && w > TimeSpan.Zero ? (w > TimeSpan.FromDays(1) ? TimeSpan.FromDays(1) : w) : null;
    }

    private async Task SettleAsync(Guid practiceId, Message m, Outcome outcome, CancellationToken ct)
    {
        var attempt = m.Attempts + 1;
        var final = outcome.Succeeded || outcome.StatusCode == 410 || attempt >= _delays.Length;
        DateTimeOffset? nextAt = final ? null : clock.GetUtcNow() + Max(TimeSpan.FromSeconds(_delays[attempt]), outcome.RetryAfter);
        var status = outcome.Succeeded ? "succeeded" : final ? "failed" : "pending";
        var disable = outcome.StatusCode == 410
            ? "the receiver answered 410 Gone"
            : $"every attempt failed for {options.DisableAfterDays:0.##} days";
        Attempts.Add(1, new("practice", practiceId.ToString()), new("outcome", outcome.Succeeded ? "success" : "failure"));
        Duration.Record(outcome.Took.TotalSeconds, new KeyValuePair<string, object?>("practice", practiceId.ToString()));

        var disabled = await db.InTenantAsync(practiceId, async (c, tx) =>
        {
            var reason = await c.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(Settle, new
            {
                id = m.Id, attempt, statusCode = outcome.StatusCode, durationMs = (int)outcome.Took.TotalMilliseconds, error = outcome.Error, status, nextAt,
                endpointId = m.EndpointId, succeeded = outcome.Succeeded, gone = outcome.StatusCode == 410, disable,
                disableAfterSeconds = options.DisableAfterDays * 86_400,
            }, tx, cancellationToken: ct));
            if (reason is not null)
                await EventStore.AppendAsync(c, tx, Actor.System, new NewEvent($"webhook/{m.EndpointId}", "webhook.endpoint_disabled", new { endpointId = m.EndpointId, reason }), ct);
            return reason;
        }, ct);
        if (disabled is not null) logger.LogWarning("Webhook endpoint {EndpointId} disabled: {Reason}", m.EndpointId, disabled);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan? b) => b is { } other && other > a ? other : a;

    private string Decrypt(string stored, EncryptedColumn column, Guid endpointId, Guid practiceId) => keyRing.Decrypt(stored, column.Context(endpointId, practiceId));

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }
}
