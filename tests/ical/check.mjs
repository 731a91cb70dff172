// Reads one iCalendar feed on stdin, parses it with Mozilla's ical.js (the parser of
// Thunderbird) and prints what ical.js understood as JSON on stdout: the calendar's name and
// refresh interval, and per VEVENT its UID, SEQUENCE, STATUS, SUMMARY and its start and end
// as UTC instants. A feed ical.js cannot parse exits with status 1 and the error on stderr.
// Used by tests/booking/test_feeds.py; set up with `npm ci --prefix tests/ical`.
import ICAL from "ical.js";

const chunks = [];
for await (const chunk of process.stdin) {
  chunks.push(chunk);
}
const text = Buffer.concat(chunks).toString("utf8");

try {
  const calendar = new ICAL.Component(ICAL.parse(text));
  if (calendar.name !== "vcalendar") {
    throw new Error(`expected a VCALENDAR, got ${calendar.name}`);
  }
  const refresh = calendar.getFirstPropertyValue("refresh-interval");
  const events = calendar.getAllSubcomponents("vevent").map((component) => {
    const event = new ICAL.Event(component);
    return {
      uid: event.uid,
      sequence: event.sequence,
      status: component.getFirstPropertyValue("status"),
      summary: event.summary,
      start: event.startDate.toJSDate().toISOString(),
      end: event.endDate.toJSDate().toISOString(),
      start_is_utc: event.startDate.zone === ICAL.Timezone.utcTimezone,
    };
  });
  process.stdout.write(
    JSON.stringify({
      name: calendar.getFirstPropertyValue("name"),
      refresh_interval: refresh === null ? null : refresh.toString(),
      events,
    }),
  );
} catch (error) {
  process.stderr.write(`ical.js could not read the feed: ${error.stack ?? error}\n`);
  process.exit(1);
}
