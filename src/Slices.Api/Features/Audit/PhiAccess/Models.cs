using FastEndpoints;
using FluentValidation;

namespace Slices.Api.Features.Audit.PhiAccess;

public sealed record Request
{
    [QueryParam] public Guid? PatientId { get; init; }
    [QueryParam] public int Limit { get; init; } = Platform.Api.Cursor.DefaultLimit;
    [QueryParam] public string? Cursor { get; init; }
}

public sealed record Item(long Id, DateTimeOffset AccessedAt, string ActorType, Guid? ActorId, string Action, string ResourceType, Guid[] ResourceIds, string? RequestId, string? ClientIp)
{
    public Item() : this(0, default, "", null, "", "", [], null, null) { }
}

public sealed record Response(IReadOnlyList<Item> Items, string? NextCursor);

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.PatientId).NotNull().WithMessage("Say whose access to list: patientId.");
        RuleFor(r => r.Limit).InclusiveBetween(1, Platform.Api.Cursor.MaxLimit);
        RuleFor(r => r.Cursor).Must(c => Platform.Api.Cursor.TryDecode(c, out long _)).WithMessage(Platform.Api.Cursor.Invalid);
    }
}
