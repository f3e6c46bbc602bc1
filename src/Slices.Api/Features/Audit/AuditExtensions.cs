using Slices.Api.Features.Audit.Daily;
using Slices.Api.Features.Audit.PhiAccess;
using Slices.Api.Platform.Config;
using Slices.Api.Platform.Jobs;
using Slices.Api.Platform.Outbox;

namespace Slices.Api.Features.Audit;

public static class AuditExtensions
{
    public static void AddAudit(this WebApplicationBuilder builder)
    {
        builder.AddSettings<AuditOptions>(AuditOptions.Section);
        builder.Services.AddRecurringJob<AuditAggregation>(AuditAggregation.Id, JobQueues.Low, "7 * * * *");
        builder.Services.AddBackgroundWork<AccessLogIndexFiling>();
    }
}
