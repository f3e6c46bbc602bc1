using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Features.Appointments;

public sealed class AppointmentLifecycleTests(SlicesApp app) : IClassFixture<SlicesApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Status_follows_the_state_machine_and_illegal_moves_are_409()
    {
        var clinic = await Clinic.OpenAsync(app);
        var id = await BookAsync(clinic, Clinic.Slot(10));

        await (await Post(clinic, id, "complete")).AssertProblemAsync(409);
        Assert.Equal("checked_in", (await (await Post(clinic, id, "check-in")).JsonAsync(HttpStatusCode.OK)).GetProperty("status").GetString());
        await (await Post(clinic, id, "no-show")).AssertProblemAsync(409);
        Assert.Equal("completed", (await (await Post(clinic, id, "complete")).JsonAsync(HttpStatusCode.OK)).GetProperty("status").GetString());
        await (await Post(clinic, id, "cancel")).AssertProblemAsync(409);

        var events = await (await clinic.Admin.GetAsync($"/api/v1/audit/events?stream=appointment/{id}", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(["appointment.completed", "appointment.checked_in", "appointment.scheduled"],
            events.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task Cancelling_frees_the_slot()
    {
        var clinic = await Clinic.OpenAsync(app);
        var id = await BookAsync(clinic, Clinic.Slot(10));
        await (await clinic.BookAsync(Clinic.Slot(10))).AssertProblemAsync(409);

        var cancelled = await clinic.Admin.PostAsJsonAsync($"/api/v1/appointments/{id}/cancel", new { reason = "Patient unwell" }, Ct);

        Assert.Equal("Patient unwell", (await cancelled.JsonAsync(HttpStatusCode.OK)).GetProperty("cancelReason").GetString());
        Assert.Equal(HttpStatusCode.Created, (await clinic.BookAsync(Clinic.Slot(10))).StatusCode);
    }

    [Fact]
    public async Task Rescheduling_needs_if_match_and_keeps_the_no_overlap_rule()
    {
        var clinic = await Clinic.OpenAsync(app);
        var first = await BookAsync(clinic, Clinic.Slot(10));
        var second = await BookAsync(clinic, Clinic.Slot(11));

        await (await Patch(clinic, second, null, Clinic.Slot(12))).AssertProblemAsync(428);
        var clash = await (await Patch(clinic, second, "\"v1\"", Clinic.Slot(10, 15))).AssertProblemAsync(409);
        Assert.Equal(first, clash.GetProperty("conflictingAppointmentId").GetGuid());
        await (await Patch(clinic, second, "\"v1\"", Clinic.Slot(20))).AssertProblemAsync(422);
        var moved = await (await Patch(clinic, second, "\"v1\"", Clinic.Slot(12))).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(Clinic.Slot(12), moved.GetProperty("startsAt").GetDateTimeOffset());
        await (await Patch(clinic, second, "\"v1\"", Clinic.Slot(13))).AssertProblemAsync(412);
    }

    [Fact]
    public async Task A_clinicians_day_lists_in_time_order()
    {
        var clinic = await Clinic.OpenAsync(app);
        var late = await BookAsync(clinic, Clinic.Slot(15));
        var early = await BookAsync(clinic, Clinic.Slot(9));
        await BookAsync(clinic, Clinic.Slot(10, daysAhead: 9));

        var day = await (await clinic.Admin.GetAsync(
            $"/api/v1/appointments?clinicianId={clinic.ClinicianId}&from={Uri.EscapeDataString(Clinic.Slot(0).ToString("O"))}&to={Uri.EscapeDataString(Clinic.Slot(0, daysAhead: 9).ToString("O"))}", Ct)).JsonAsync(HttpStatusCode.OK);

        Assert.Equal([early, late], day.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("id").GetGuid()));
    }

    [Fact]
    public async Task A_clinicians_day_pages_from_the_start_of_its_window_whatever_the_cursor()
    {
        var clinic = await Clinic.OpenAsync(app);
        var dayBefore = await BookAsync(clinic, Clinic.Slot(16, daysAhead: 7));
        var (first, second, third) = (await BookAsync(clinic, Clinic.Slot(9)), await BookAsync(clinic, Clinic.Slot(10)), await BookAsync(clinic, Clinic.Slot(16, 30)));
        await BookAsync(clinic, Clinic.Slot(9, daysAhead: 9));
        var day = $"/api/v1/appointments?clinicianId={clinic.ClinicianId}&from={Uri.EscapeDataString(Clinic.Slot(9).ToString("O"))}&to={Uri.EscapeDataString(Clinic.Slot(0, daysAhead: 9).ToString("O"))}&limit=2";

        var page1 = await (await clinic.Admin.GetAsync(day, Ct)).JsonAsync(HttpStatusCode.OK);
        var page2 = await (await clinic.Admin.GetAsync($"{day}&cursor={Uri.EscapeDataString(page1.GetProperty("nextCursor").GetString()!)}", Ct)).JsonAsync(HttpStatusCode.OK);
        // A cursor from a listing without the window, left at the day before: the window still starts the page.
        var all = await (await clinic.Admin.GetAsync($"/api/v1/appointments?clinicianId={clinic.ClinicianId}&limit=1", Ct)).JsonAsync(HttpStatusCode.OK);
        var fromEarlier = await (await clinic.Admin.GetAsync($"{day}&cursor={Uri.EscapeDataString(all.GetProperty("nextCursor").GetString()!)}", Ct)).JsonAsync(HttpStatusCode.OK);

        Assert.Equal([first, second], Ids(page1));
        Assert.Equal([third], Ids(page2));
        Assert.Equal(JsonValueKind.Null, page2.GetProperty("nextCursor").ValueKind);
        Assert.Equal([dayBefore], Ids(all));
        Assert.Equal([first, second], Ids(fromEarlier));
    }

    private static IEnumerable<Guid> Ids(JsonElement page) => page.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("id").GetGuid());

    private static async Task<Guid> BookAsync(Clinic clinic, DateTimeOffset at) =>
        (await (await clinic.BookAsync(at)).JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();

    private static Task<HttpResponseMessage> Post(Clinic clinic, Guid id, string action) =>
        clinic.Admin.PostAsJsonAsync($"/api/v1/appointments/{id}/{action}", new { }, Ct);

    private static Task<HttpResponseMessage> Patch(Clinic clinic, Guid id, string? ifMatch, DateTimeOffset startsAt)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/appointments/{id}") { Content = JsonContent.Create(new { startsAt, endsAt = startsAt.AddMinutes(30) }) };
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return clinic.Admin.SendAsync(request, Ct);
    }
}
