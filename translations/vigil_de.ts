<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de">
<context>
    <name>AlertCommand</name>
    <message>
        <source>Lists alerts or acts on one, as an analyst does in the console. Every command is recorded in the audit log with who gave it (OS user and host) and why.
  list                 open alerts with their state and countdown (--all: closed ones too)
  ack ID               acknowledge: stops the auto-suspension countdown
  override ID          cancel the pending suspension (reason required)
  suspend ID           suspend the account now (enforce mode)
  unsuspend ID         give the account back
  resolve ID           close the alert
  false-positive ID    close it as a false positive (reason required; --suppress-hours to silence the user&apos;s alerts for a while)
  resume-automation    close the circuit breaker (reason required)</source>
        <translation>Listet Alarme auf oder bearbeitet einen, wie ein Analyst in der Konsole. Jeder Befehl wird im Audit-Log festgehalten, mit Urheber (OS-Benutzer und Host) und Begründung.
  list                 offene Alarme mit Status und Countdown (--all: auch geschlossene)
  ack ID               bestätigen: stoppt den Countdown der automatischen Sperrung
  override ID          ausstehende Sperrung abbrechen (Begründung erforderlich)
  suspend ID           Konto sofort sperren (Durchsetzungsmodus)
  unsuspend ID         Konto wieder entsperren
  resolve ID           Alarm schließen
  false-positive ID    als Fehlalarm schließen (Begründung erforderlich; --suppress-hours unterdrückt die Alarme des Benutzers eine Zeit lang)
  resume-automation    Circuit Breaker schließen (Begründung erforderlich)</translation>
    </message>
    <message>
        <source>Show this help.</source>
        <translation>Diese Hilfe anzeigen.</translation>
    </message>
    <message>
        <source>The folder holding Vigil&apos;s database.</source>
        <translation>Der Ordner mit der Vigil-Datenbank.</translation>
    </message>
    <message>
        <source>DIR</source>
        <translation>VERZ</translation>
    </message>
    <message>
        <source>Why: recorded in the audit log.</source>
        <translation>Begründung; wird im Audit-Log festgehalten.</translation>
    </message>
    <message>
        <source>TEXT</source>
        <translation>TEXT</translation>
    </message>
    <message>
        <source>With false-positive: suppress the user&apos;s alerts for H hours.</source>
        <translation>Mit false-positive: Alarme des Benutzers H Stunden lang unterdrücken.</translation>
    </message>
    <message>
        <source>H</source>
        <translation>H</translation>
    </message>
    <message>
        <source>With --suppress-hours: only these detections (comma-separated).</source>
        <translation>Mit --suppress-hours: nur diese Erkennungen (durch Kommas getrennt).</translation>
    </message>
    <message>
        <source>LIST</source>
        <translation>LISTE</translation>
    </message>
    <message>
        <source>With list: closed alerts too.</source>
        <translation>Mit list: auch geschlossene Alarme.</translation>
    </message>
    <message>
        <source>With no Vigil running: the policy to apply.</source>
        <translation>Wenn kein Vigil läuft: die anzuwendende Richtlinie.</translation>
    </message>
    <message>
        <source>FILE</source>
        <translation>DATEI</translation>
    </message>
    <message>
        <source>With no Vigil running: monitor or enforce (default: the policy&apos;s response.mode).</source>
        <translation>Wenn kein Vigil läuft: monitor oder enforce (Standard: response.mode der Richtlinie).</translation>
    </message>
    <message>
        <source>MODE</source>
        <translation>MODUS</translation>
    </message>
    <message>
        <source>list, or one of: %1</source>
        <translation>list oder eines von: %1</translation>
    </message>
    <message>
        <source>The alert id (from &apos;vigil alert list&apos; or the console).</source>
        <translation>Die Alarm-ID (aus &apos;vigil alert list&apos; oder der Konsole).</translation>
    </message>
    <message>
        <source>say &apos;list&apos; or one of: %1</source>
        <translation>&apos;list&apos; oder eines von %1 angeben</translation>
    </message>
    <message>
        <source>&apos;%1&apos; needs the alert id</source>
        <translation>&apos;%1&apos; benötigt die Alarm-ID</translation>
    </message>
    <message>
        <source>&apos;%1&apos; takes no alert id</source>
        <translation>&apos;%1&apos; akzeptiert keine Alarm-ID</translation>
    </message>
    <message>
        <source>&apos;%1&apos; needs --reason TEXT</source>
        <translation>&apos;%1&apos; benötigt --reason TEXT</translation>
    </message>
    <message>
        <source>--suppress-hours takes a positive number of hours, with false-positive</source>
        <translation>--suppress-hours erwartet eine positive Zahl von Stunden, zusammen mit false-positive</translation>
    </message>
    <message>
        <source>vigil alert: no Vigil database in %1
</source>
        <translation>vigil alert: keine Vigil-Datenbank in %1
</translation>
    </message>
    <message>
        <source>vigil alert: %1
</source>
        <translation>vigil alert: %1
</translation>
    </message>
    <message>
        <source>%1  %2  %3  %4  %5  %6
</source>
        <translation>%1  %2  %3  %4  %5  %6
</translation>
    </message>
    <message>
        <source>alert</source>
        <translation>Alarm</translation>
    </message>
    <message>
        <source>user</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>severity</source>
        <translation>Schweregrad</translation>
    </message>
    <message>
        <source>risk</source>
        <translation>Risiko</translation>
    </message>
    <message>
        <source>state</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>countdown</source>
        <translation>Countdown</translation>
    </message>
    <message>
        <source>no alerts
</source>
        <translation>keine Alarme
</translation>
    </message>
    <message>
        <source>no open alerts
</source>
        <translation>keine offenen Alarme
</translation>
    </message>
    <message>
        <source>--mode must be monitor or enforce</source>
        <translation>--mode muss monitor oder enforce sein</translation>
    </message>
    <message numerus="yes">
        <source>no Vigil is running on %1: %n call(s) to Okta or PagerDuty wait in the outbox for the next &apos;vigil serve&apos; or console
</source>
        <translation>
            <numerusform>auf %1 läuft kein Vigil: %n Aufruf an Okta oder PagerDuty wartet in der Outbox auf das nächste &apos;vigil serve&apos; oder die nächste Konsole
</numerusform>
            <numerusform>auf %1 läuft kein Vigil: %n Aufrufe an Okta oder PagerDuty warten in der Outbox auf das nächste &apos;vigil serve&apos; oder die nächste Konsole
</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>AlertDetailPanel</name>
    <message>
        <source>&amp;Hold (acknowledge)</source>
        <translation>&amp;Anhalten (bestätigen)</translation>
    </message>
    <message>
        <source>&amp;Suspend now…</source>
        <translation>&amp;Jetzt sperren…</translation>
    </message>
    <message>
        <source>&amp;Cancel suspension…</source>
        <translation>Sperrung a&amp;bbrechen…</translation>
    </message>
    <message>
        <source>&amp;Resolve</source>
        <translation>&amp;Erledigen</translation>
    </message>
    <message>
        <source>&amp;False positive…</source>
        <translation>&amp;Fehlalarm…</translation>
    </message>
    <message>
        <source>Stops the auto-suspension countdown; the alert stays open with you as its owner.</source>
        <translation>Stoppt den Countdown der automatischen Sperrung; der Alarm bleibt offen, mit Ihnen als Bearbeiter.</translation>
    </message>
    <message>
        <source>Suspends the Okta account now and ends its sessions (asks first).</source>
        <translation>Sperrt das Okta-Konto sofort und beendet seine Sitzungen (mit Rückfrage).</translation>
    </message>
    <message>
        <source>Cancels the pending suspension; a reason is required.</source>
        <translation>Bricht die ausstehende Sperrung ab; eine Begründung ist erforderlich.</translation>
    </message>
    <message>
        <source>&lt;b&gt;No alert selected&lt;/b&gt;</source>
        <translation>&lt;b&gt;Kein Alarm ausgewählt&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Select an alert in the queue to see why it scored and what happens next.</source>
        <translation>Wählen Sie einen Alarm in der Warteschlange, um zu sehen, woher sein Risikowert kommt und was als Nächstes geschieht.</translation>
    </message>
    <message>
        <source>reports to %1</source>
        <translation>berichtet an %1</translation>
    </message>
    <message>
        <source>profile not read from Okta yet</source>
        <translation>Profil noch nicht aus Okta gelesen</translation>
    </message>
    <message>
        <source>from %1%2</source>
        <translation>von %1%2</translation>
    </message>
    <message>
        <source>&lt;b&gt;WHY %1&lt;/b&gt;</source>
        <translation>&lt;b&gt;WARUM %1&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;NEXT&lt;/b&gt; auto-suspend in &lt;b&gt;%1&lt;/b&gt; unless acknowledged (step-up: %2)</source>
        <translation>&lt;b&gt;ALS NÄCHSTES&lt;/b&gt; automatische Sperrung in &lt;b&gt;%1&lt;/b&gt;, sofern nicht bestätigt (Step-up: %2)</translation>
    </message>
    <message>
        <source>&lt;b&gt;SUSPENDED&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;GESPERRT&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>&lt;b&gt;ACKNOWLEDGED&lt;/b&gt; by %1 — the countdown is stopped</source>
        <translation>&lt;b&gt;BESTÄTIGT&lt;/b&gt; von %1 — der Countdown ist gestoppt</translation>
    </message>
    <message>
        <source>&lt;b&gt;STATE&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;STATUS&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>Ticket %1</source>
        <translation>Ticket %1</translation>
    </message>
</context>
<context>
    <name>AlertFilter</name>
    <message>
        <source>&apos;%1&apos; at %2 needs something to exclude, e.g. -user:bob or !country:US</source>
        <translation>&apos;%1&apos; an Stelle %2 braucht etwas zum Ausschließen, z. B. -user:bob oder !country:US</translation>
    </message>
    <message>
        <source>empty quotes at %1 match nothing</source>
        <translation>leere Anführungszeichen an Stelle %1 treffen auf nichts zu</translation>
    </message>
    <message>
        <source>unknown field &apos;%1&apos; at %2; try %3 (put text with &apos;:&apos; in quotes to search for it)</source>
        <translation>unbekanntes Feld &apos;%1&apos; an Stelle %2; versuchen Sie %3 (setzen Sie Text mit &apos;:&apos; in Anführungszeichen, um danach zu suchen)</translation>
    </message>
    <message>
        <source>&apos;%1&apos; at %2 compares only severity and risk; use %3:VALUE</source>
        <translation>&apos;%1&apos; an Stelle %2 vergleicht nur severity und risk; verwenden Sie %3:WERT</translation>
    </message>
    <message>
        <source>&apos;%1%2&apos; at %3 needs a value, e.g. %4</source>
        <translation>&apos;%1%2&apos; an Stelle %3 braucht einen Wert, z. B. %4</translation>
    </message>
    <message>
        <source>empty value in the list at %1</source>
        <translation>leerer Wert in der Liste an Stelle %1</translation>
    </message>
    <message>
        <source>unexpected quote at %1; quote the whole value, e.g. %2:&quot;a b&quot;</source>
        <translation>unerwartetes Anführungszeichen an Stelle %1; setzen Sie den ganzen Wert in Anführungszeichen, z. B. %2:&quot;a b&quot;</translation>
    </message>
    <message>
        <source>a list at %1 needs &apos;:&apos;, not &apos;%2&apos;</source>
        <translation>eine Liste an Stelle %1 braucht &apos;:&apos;, nicht &apos;%2&apos;</translation>
    </message>
    <message>
        <source>unknown severity &apos;%1&apos; at %2; use low, medium, high or critical</source>
        <translation>unbekannter Schweregrad &apos;%1&apos; an Stelle %2; verwenden Sie low, medium, high oder critical</translation>
    </message>
    <message>
        <source>risk needs a number from 0 to 100 at %1, not &apos;%2&apos;</source>
        <translation>risk braucht an Stelle %1 eine Zahl von 0 bis 100, nicht &apos;%2&apos;</translation>
    </message>
    <message>
        <source>unknown status &apos;%1&apos; at %2; try %3</source>
        <translation>unbekannter Status &apos;%1&apos; an Stelle %2; versuchen Sie %3</translation>
    </message>
    <message>
        <source>&apos;%1&apos; at %2 is not an address range such as 10.0.0.0/8</source>
        <translation>&apos;%1&apos; an Stelle %2 ist kein Adressbereich wie 10.0.0.0/8</translation>
    </message>
    <message>
        <source>empty value at %1 matches nothing</source>
        <translation>leerer Wert an Stelle %1 trifft auf nichts zu</translation>
    </message>
    <message>
        <source>unexpected &apos;%1&apos; at %2 after the closing quote; add a space</source>
        <translation>unerwartetes &apos;%1&apos; an Stelle %2 nach dem schließenden Anführungszeichen; fügen Sie ein Leerzeichen ein</translation>
    </message>
    <message>
        <source>the quote at %1 is never closed</source>
        <translation>das Anführungszeichen an Stelle %1 wird nicht geschlossen</translation>
    </message>
</context>
<context>
    <name>AlertFilterProxy</name>
    <message>
        <source>%1 (%2)</source>
        <extracomment>The first row of a user&apos;s group of alerts: the login and how many rows the group has.</extracomment>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>%1, %2 alerts</source>
        <translation>%1, %2 Alarme</translation>
    </message>
</context>
<context>
    <name>AlertQueueDelegate</name>
    <message>
        <source>+%1</source>
        <extracomment>More detection chips than fit in the cell; the tooltip lists them all.</extracomment>
        <translation>+%1</translation>
    </message>
</context>
<context>
    <name>AlertQueueModel</name>
    <message>
        <source>—</source>
        <extracomment>No analyst assigned to the alert.</extracomment>
        <translation>—</translation>
    </message>
    <message>
        <source>%1 severity (risk %2)</source>
        <translation>Schweregrad %1 (Risiko %2)</translation>
    </message>
    <message>
        <source>Alert %1</source>
        <translation>Alarm %1</translation>
    </message>
    <message>
        <source>%1 alerts in the queue for this user</source>
        <translation>%1 Alarme dieses Benutzers in der Warteschlange</translation>
    </message>
    <message>
        <source>Risk %1</source>
        <translation>Risiko %1</translation>
    </message>
    <message>
        <source>Risk %1 · recent: %2</source>
        <extracomment>Risk now, then the recent samples oldest first: &quot;Risk 94 · recent: 20 → 45 → 94&quot;.</extracomment>
        <translation>Risiko %1 · zuletzt: %2</translation>
    </message>
    <message>
        <source>The suspension of %1 was due at %2; the safety net is deciding now</source>
        <translation>Die Sperrung von %1 war um %2 fällig; das Sicherheitsnetz entscheidet jetzt</translation>
    </message>
    <message>
        <source>Vigil suspends %1 at %2 (%3) unless someone holds (a) or cancels (o) it</source>
        <translation>Vigil sperrt %1 um %2 (%3), sofern niemand anhält (a) oder abbricht (o)</translation>
    </message>
    <message>
        <source>Suspension recommended: an analyst decides (s to suspend)</source>
        <translation>Sperrung empfohlen: ein Analyst entscheidet (s zum Sperren)</translation>
    </message>
    <message>
        <source>No automatic suspension is scheduled</source>
        <translation>Keine automatische Sperrung geplant</translation>
    </message>
    <message>
        <source>Opened %1
Last activity %2 (%3)</source>
        <translation>Geöffnet %1
Letzte Aktivität %2 (%3)</translation>
    </message>
    <message>
        <source>No source address</source>
        <translation>Keine Quelladresse</translation>
    </message>
    <message>
        <source>Country unknown</source>
        <translation>Land unbekannt</translation>
    </message>
    <message>
        <source>Nobody is assigned</source>
        <translation>Niemand zugewiesen</translation>
    </message>
    <message>
        <source>Assigned to %1</source>
        <translation>Zugewiesen an %1</translation>
    </message>
    <message>
        <source>%1 severity</source>
        <translation>Schweregrad %1</translation>
    </message>
    <message>
        <source>Suspends %1</source>
        <translation>Sperrt %1</translation>
    </message>
    <message>
        <source>No suspension scheduled</source>
        <translation>Keine Sperrung geplant</translation>
    </message>
    <message>
        <source>Unassigned</source>
        <translation>Nicht zugewiesen</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>Schweregrad</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>Risk</source>
        <translation>Risiko</translation>
    </message>
    <message>
        <source>Detections</source>
        <translation>Erkennungen</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Suspends in</source>
        <extracomment>Column header: time left before the automatic suspension.</extracomment>
        <translation>Sperrung in</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>Alter</translation>
    </message>
    <message>
        <source>Source IP</source>
        <translation>Quell-IP</translation>
    </message>
    <message>
        <source>Country</source>
        <translation>Land</translation>
    </message>
    <message>
        <source>Assignee</source>
        <translation>Bearbeiter</translation>
    </message>
    <message>
        <source>Risk 0–100 and its recent trend</source>
        <translation>Risiko 0–100 und sein jüngster Verlauf</translation>
    </message>
    <message>
        <source>Time left before Vigil suspends the account, unless an analyst holds or cancels it</source>
        <translation>Verbleibende Zeit, bis Vigil das Konto sperrt, sofern kein Analyst anhält oder abbricht</translation>
    </message>
    <message>
        <source>Time since the alert opened</source>
        <translation>Zeit seit Öffnen des Alarms</translation>
    </message>
</context>
<context>
    <name>AlertQueueView</name>
    <message>
        <source>&amp;Hold</source>
        <translation>&amp;Anhalten</translation>
    </message>
    <message>
        <source>Approve &amp;now</source>
        <translation>&amp;Jetzt genehmigen</translation>
    </message>
    <message>
        <source>&amp;Cancel suspension…</source>
        <translation>Sperrung a&amp;bbrechen…</translation>
    </message>
    <message>
        <source>&amp;Group by user</source>
        <translation>Nach Benutzer &amp;gruppieren</translation>
    </message>
    <message>
        <source>Keep each user&apos;s alerts together, most dangerous user first (g)</source>
        <translation>Alarme je Benutzer zusammenfassen, gefährlichster Benutzer zuerst (g)</translation>
    </message>
    <message>
        <source>Keys…</source>
        <translation>Tasten…</translation>
    </message>
    <message>
        <source>Keyboard shortcuts of the queue (?)</source>
        <translation>Tastenkürzel der Warteschlange (?)</translation>
    </message>
    <message>
        <source>Acknowledge: keep the account active while you look into it (a)</source>
        <translation>Bestätigen: Konto aktiv lassen, während Sie den Fall prüfen (a)</translation>
    </message>
    <message>
        <source>Suspend the account now instead of at the deadline (s)</source>
        <translation>Konto jetzt sperren statt bei Fristablauf (s)</translation>
    </message>
    <message>
        <source>Override: cancel the suspension, with a reason for the audit log (o)</source>
        <translation>Übersteuern: Sperrung abbrechen, mit Begründung für das Audit-Log (o)</translation>
    </message>
    <message>
        <source>Alert queue</source>
        <extracomment>The queue&apos;s title line: &quot;Alert queue · 30 alerts · 1 pending suspension · 12 shown&quot;.</extracomment>
        <translation>Alarm-Warteschlange</translation>
    </message>
    <message>
        <source>No open alerts — Vigil is watching 1 user</source>
        <translation>Keine offenen Alarme — Vigil überwacht 1 Benutzer</translation>
    </message>
    <message>
        <source>No open alerts — Vigil is watching %1 users</source>
        <translation>Keine offenen Alarme — Vigil überwacht %1 Benutzer</translation>
    </message>
    <message>
        <source>No open alerts — Vigil is watching</source>
        <translation>Keine offenen Alarme — Vigil überwacht</translation>
    </message>
    <message>
        <source>j / k</source>
        <translation>j / k</translation>
    </message>
    <message>
        <source>Next / previous alert (Shift extends the selection)</source>
        <translation>Nächster / vorheriger Alarm (Umschalt erweitert die Auswahl)</translation>
    </message>
    <message>
        <source>x, Space</source>
        <translation>x, Leertaste</translation>
    </message>
    <message>
        <source>Add or remove the current alert from the selection</source>
        <translation>Aktuellen Alarm zur Auswahl hinzufügen oder daraus entfernen</translation>
    </message>
    <message>
        <source>Ctrl+A</source>
        <translation>Strg+A</translation>
    </message>
    <message>
        <source>Select every alert in view</source>
        <translation>Alle angezeigten Alarme auswählen</translation>
    </message>
    <message>
        <source>a</source>
        <translation>a</translation>
    </message>
    <message>
        <source>Acknowledge (holds a pending suspension)</source>
        <translation>Bestätigen (hält eine ausstehende Sperrung an)</translation>
    </message>
    <message>
        <source>o</source>
        <translation>o</translation>
    </message>
    <message>
        <source>Override: cancel a pending suspension, with a reason</source>
        <translation>Übersteuern: ausstehende Sperrung abbrechen, mit Begründung</translation>
    </message>
    <message>
        <source>s</source>
        <translation>s</translation>
    </message>
    <message>
        <source>Suspend the account now (asks first)</source>
        <translation>Konto jetzt sperren (mit Rückfrage)</translation>
    </message>
    <message>
        <source>r</source>
        <translation>r</translation>
    </message>
    <message>
        <source>Resolve</source>
        <translation>Erledigen</translation>
    </message>
    <message>
        <source>f</source>
        <translation>f</translation>
    </message>
    <message>
        <source>False positive: reason, note, optional suppression</source>
        <translation>Fehlalarm: Begründung, Notiz, optionale Unterdrückung</translation>
    </message>
    <message>
        <source>u, Enter</source>
        <translation>u, Eingabe</translation>
    </message>
    <message>
        <source>Open the user</source>
        <translation>Benutzer öffnen</translation>
    </message>
    <message>
        <source>g</source>
        <translation>g</translation>
    </message>
    <message>
        <source>Group by user on or off</source>
        <translation>Gruppierung nach Benutzer ein/aus</translation>
    </message>
    <message>
        <source>/</source>
        <translation>/</translation>
    </message>
    <message>
        <source>Filter</source>
        <translation>Filter</translation>
    </message>
    <message>
        <source>Esc</source>
        <translation>Esc</translation>
    </message>
    <message>
        <source>In the filter: clear it, then back to the queue</source>
        <translation>Im Filter: Filter leeren, dann zurück zur Warteschlange</translation>
    </message>
    <message>
        <source>?</source>
        <translation>?</translation>
    </message>
    <message>
        <source>This list</source>
        <translation>Diese Liste</translation>
    </message>
    <message>
        <source>Acknowledge alerts</source>
        <translation>Alarme bestätigen</translation>
    </message>
    <message>
        <source>Acknowledge %1 alerts?</source>
        <translation>%1 Alarme bestätigen?</translation>
    </message>
    <message>
        <source>Users: %1</source>
        <translation>Benutzer: %1</translation>
    </message>
    <message>
        <source>Pending suspensions among them are held: the accounts stay active until someone decides.</source>
        <translation>Darunter ausstehende Sperrungen werden angehalten: Die Konten bleiben aktiv, bis jemand entscheidet.</translation>
    </message>
    <message>
        <source>Acknowledge %1</source>
        <translation>%1 bestätigen</translation>
    </message>
    <message>
        <source>Override the alert for %1</source>
        <translation>Alarm für %1 übersteuern</translation>
    </message>
    <message>
        <source>Cancel the automatic suspension of %1 and keep the account active?</source>
        <translation>Automatische Sperrung von %1 abbrechen und das Konto aktiv lassen?</translation>
    </message>
    <message>
        <source>Override the alert for %1: the automation will not suspend the account for it.</source>
        <translation>Alarm für %1 übersteuern: Die Automatisierung sperrt das Konto deswegen nicht.</translation>
    </message>
    <message>
        <source>Override</source>
        <translation>Übersteuern</translation>
    </message>
    <message>
        <source>Override %1 alerts</source>
        <translation>%1 Alarme übersteuern</translation>
    </message>
    <message>
        <source>Override %1 alerts?</source>
        <translation>%1 Alarme übersteuern?</translation>
    </message>
    <message>
        <source>Pending suspensions among them are cancelled; the accounts stay active. Users: %1</source>
        <translation>Darunter ausstehende Sperrungen werden abgebrochen; die Konten bleiben aktiv. Benutzer: %1</translation>
    </message>
    <message>
        <source>Override %1</source>
        <translation>%1 übersteuern</translation>
    </message>
    <message>
        <source>The reason goes to the audit log with your name.</source>
        <translation>Die Begründung wird mit Ihrem Namen im Audit-Log festgehalten.</translation>
    </message>
    <message>
        <source>User confirmed the activity</source>
        <translation>Benutzer hat die Aktivität bestätigt</translation>
    </message>
    <message>
        <source>Known VPN or travel</source>
        <translation>Bekanntes VPN oder Reise</translation>
    </message>
    <message>
        <source>Executive travelling, verified by phone</source>
        <translation>Führungskraft auf Reisen, telefonisch verifiziert</translation>
    </message>
    <message>
        <source>Test or service account</source>
        <translation>Test- oder Dienstkonto</translation>
    </message>
    <message>
        <source>Suspend %1</source>
        <translation>%1 sperren</translation>
    </message>
    <message>
        <source>Suspend the Okta account %1 now?</source>
        <translation>Okta-Konto %1 jetzt sperren?</translation>
    </message>
    <message>
        <source>Suspend %1 accounts</source>
        <translation>%1 Konten sperren</translation>
    </message>
    <message>
        <source>Suspend %1 Okta accounts now (%2 alerts)?</source>
        <translation>%1 Okta-Konten jetzt sperren (%2 Alarme)?</translation>
    </message>
    <message>
        <source>Okta signs them out everywhere (sessions and OAuth tokens are revoked) and blocks sign-in until someone unsuspends the account. On-call is updated, and the IT team, the manager and the ticket system are told where that is set up.</source>
        <translation>Okta meldet die Benutzer überall ab (Sitzungen und OAuth-Tokens werden widerrufen) und blockiert die Anmeldung, bis jemand das Konto entsperrt. Die Rufbereitschaft wird aktualisiert; IT-Team, Vorgesetzte und Ticketsystem werden informiert, sofern eingerichtet.</translation>
    </message>
    <message>
        <source>Vigil is in monitor mode: this records a suspension recommendation; nothing changes in Okta.</source>
        <translation>Vigil ist im Überwachungsmodus: Dies erfasst nur eine Sperrempfehlung; in Okta ändert sich nichts.</translation>
    </message>
    <message>
        <source>approved from the alert queue</source>
        <translation>in der Alarm-Warteschlange genehmigt</translation>
    </message>
    <message>
        <source>suspended from the alert queue</source>
        <translation>aus der Alarm-Warteschlange gesperrt</translation>
    </message>
    <message>
        <source>Resolve the alert for %1</source>
        <translation>Alarm für %1 erledigen</translation>
    </message>
    <message>
        <source>Resolve the alert for %1?</source>
        <translation>Alarm für %1 erledigen?</translation>
    </message>
    <message>
        <source>Resolve %1 alerts</source>
        <translation>%1 Alarme erledigen</translation>
    </message>
    <message>
        <source>Resolve %1 alerts?</source>
        <translation>%1 Alarme erledigen?</translation>
    </message>
    <message>
        <source>Resolve %1</source>
        <translation>%1 erledigen</translation>
    </message>
    <message>
        <source>Resolving closes the alert and stops its pending automation.</source>
        <translation>Erledigen schließt den Alarm und stoppt seine ausstehende Automatisierung.</translation>
    </message>
    <message>
        <source>Contained</source>
        <translation>Eingedämmt</translation>
    </message>
    <message>
        <source>Expected activity</source>
        <translation>Erwartete Aktivität</translation>
    </message>
    <message>
        <source>Handled in a ticket</source>
        <translation>In einem Ticket bearbeitet</translation>
    </message>
    <message>
        <source>Duplicate</source>
        <translation>Duplikat</translation>
    </message>
    <message>
        <source>False positive: %1</source>
        <translation>Fehlalarm: %1</translation>
    </message>
    <message>
        <source>Mark the alert for %1 as a false positive?</source>
        <translation>Alarm für %1 als Fehlalarm markieren?</translation>
    </message>
    <message>
        <source>Mark %1 false positives</source>
        <translation>%1 Fehlalarme markieren</translation>
    </message>
    <message>
        <source>Mark %1 alerts as false positives?</source>
        <translation>%1 Alarme als Fehlalarme markieren?</translation>
    </message>
    <message>
        <source>Pending suspension</source>
        <translation>Ausstehende Sperrung</translation>
    </message>
    <message>
        <source>Pending suspensions</source>
        <translation>Ausstehende Sperrungen</translation>
    </message>
    <message>
        <source>Hold (acknowledge)</source>
        <translation>Anhalten (bestätigen)</translation>
    </message>
    <message>
        <source>Approve suspension now…</source>
        <translation>Sperrung jetzt genehmigen…</translation>
    </message>
    <message>
        <source>Cancel suspension…</source>
        <translation>Sperrung abbrechen…</translation>
    </message>
    <message>
        <source>Acknowledge</source>
        <translation>Bestätigen</translation>
    </message>
    <message>
        <source>Acknowledge %1 alerts…</source>
        <translation>%1 Alarme bestätigen…</translation>
    </message>
    <message>
        <source>Override…</source>
        <translation>Übersteuern…</translation>
    </message>
    <message>
        <source>Override %1 alerts…</source>
        <translation>%1 Alarme übersteuern…</translation>
    </message>
    <message>
        <source>Suspend now…</source>
        <translation>Jetzt sperren…</translation>
    </message>
    <message>
        <source>Suspend for %1 alerts…</source>
        <translation>Für %1 Alarme sperren…</translation>
    </message>
    <message>
        <source>Resolve…</source>
        <translation>Erledigen…</translation>
    </message>
    <message>
        <source>Resolve %1 alerts…</source>
        <translation>%1 Alarme erledigen…</translation>
    </message>
    <message>
        <source>False positive…</source>
        <translation>Fehlalarm…</translation>
    </message>
    <message>
        <source>Mark %1 false positives…</source>
        <translation>%1 Fehlalarme markieren…</translation>
    </message>
    <message>
        <source>Open user</source>
        <translation>Benutzer öffnen</translation>
    </message>
    <message>
        <source>1 alert</source>
        <translation>1 Alarm</translation>
    </message>
    <message>
        <source>%1 alerts</source>
        <translation>%1 Alarme</translation>
    </message>
    <message>
        <source>1 pending suspension</source>
        <translation>1 ausstehende Sperrung</translation>
    </message>
    <message>
        <source>%1 pending suspensions</source>
        <translation>%1 ausstehende Sperrungen</translation>
    </message>
    <message>
        <source>%1 shown</source>
        <translation>%1 angezeigt</translation>
    </message>
    <message>
        <source>Vigil will suspend %1 unless someone holds or cancels it.</source>
        <translation>Vigil sperrt %1, sofern niemand anhält oder abbricht.</translation>
    </message>
    <message>
        <source>Vigil suspends %1 in %2 unless someone holds or cancels it.</source>
        <translation>Vigil sperrt %1 in %2, sofern niemand anhält oder abbricht.</translation>
    </message>
    <message>
        <source>The suspension of %1 is due now.</source>
        <translation>Die Sperrung von %1 ist jetzt fällig.</translation>
    </message>
    <message>
        <source>Next pending suspension:</source>
        <translation>Nächste ausstehende Sperrung:</translation>
    </message>
    <message>
        <source>Next pending suspension (hidden by the filter):</source>
        <translation>Nächste ausstehende Sperrung (vom Filter ausgeblendet):</translation>
    </message>
    <message>
        <source>1 more pending.</source>
        <translation>1 weitere ausstehend.</translation>
    </message>
    <message>
        <source>%1 more pending.</source>
        <translation>%1 weitere ausstehend.</translation>
    </message>
    <message>
        <source>No alerts match “%1”; the filter hides 1 alert.</source>
        <translation>Keine Alarme passen zu „%1“; der Filter blendet 1 Alarm aus.</translation>
    </message>
    <message>
        <source>No alerts match “%1”; the filter hides %2 alerts.</source>
        <translation>Keine Alarme passen zu „%1“; der Filter blendet %2 Alarme aus.</translation>
    </message>
    <message>
        <source>Press Esc in the filter to clear it.</source>
        <translation>Drücken Sie im Filter Esc, um ihn zu leeren.</translation>
    </message>
    <message>
        <source>Unsuspend %1</source>
        <translation>%1 entsperren</translation>
    </message>
    <message>
        <source>Reactivate %1&apos;s Okta account?</source>
        <translation>Okta-Konto von %1 wieder aktivieren?</translation>
    </message>
    <message>
        <source>Unsuspend</source>
        <translation>Entsperren</translation>
    </message>
    <message>
        <source>Unsuspend %1 accounts</source>
        <translation>%1 Konten entsperren</translation>
    </message>
    <message>
        <source>Reactivate %1 Okta accounts?</source>
        <translation>%1 Okta-Konten wieder aktivieren?</translation>
    </message>
    <message>
        <source>Okta lets the user sign in again; their sessions stay cleared.</source>
        <translation>Okta lässt die Anmeldung wieder zu; die beendeten Sitzungen bleiben beendet.</translation>
    </message>
    <message>
        <source>Verified with the user</source>
        <translation>Mit dem Benutzer verifiziert</translation>
    </message>
    <message>
        <source>Password reset and MFA re-enrolled</source>
        <translation>Passwort zurückgesetzt und MFA neu registriert</translation>
    </message>
    <message>
        <source>False alarm</source>
        <translation>Fehlalarm</translation>
    </message>
    <message>
        <source>Assign to me</source>
        <translation>Mir zuweisen</translation>
    </message>
    <message>
        <source>Assign %1 alerts to me</source>
        <translation>%1 Alarme mir zuweisen</translation>
    </message>
    <message>
        <source>Unsuspend…</source>
        <translation>Entsperren…</translation>
    </message>
</context>
<context>
    <name>AnalystCommand</name>
    <message>
        <source>a command must say who gives it</source>
        <translation>ein Befehl muss angeben, wer ihn erteilt</translation>
    </message>
    <message>
        <source>marked a false positive, but not suppressed: %1</source>
        <translation>als Fehlalarm markiert, aber nicht unterdrückt: %1</translation>
    </message>
    <message>
        <source>unknown command &apos;%1&apos; (one of: %2)</source>
        <translation>unbekannter Befehl &apos;%1&apos; (einer von: %2)</translation>
    </message>
    <message>
        <source>%1 %2: now %3</source>
        <translation>%1 %2: jetzt %3</translation>
    </message>
</context>
<context>
    <name>AuditCommand</name>
    <message>
        <source>Checks or exports Vigil&apos;s hash-chained audit log.
  verify   check every record against the one before it; exit 1 and name the first bad record
  export   write every record as JSON lines or CSV</source>
        <translation>Prüft oder exportiert Vigils Audit-Log mit Hash-Kette.
  verify   jeden Eintrag gegen den vorherigen prüfen; bei einem Fehler Exit-Code 1 und Angabe des ersten fehlerhaften Eintrags
  export   alle Einträge als JSON Lines oder CSV schreiben</translation>
    </message>
    <message>
        <source>Show this help.</source>
        <translation>Diese Hilfe anzeigen.</translation>
    </message>
    <message>
        <source>The folder holding Vigil&apos;s database.</source>
        <translation>Der Ordner mit der Vigil-Datenbank.</translation>
    </message>
    <message>
        <source>DIR</source>
        <translation>VERZ</translation>
    </message>
    <message>
        <source>jsonl (default) or csv.</source>
        <translation>jsonl (Standard) oder csv.</translation>
    </message>
    <message>
        <source>FORMAT</source>
        <translation>FORMAT</translation>
    </message>
    <message>
        <source>Where to write the export (&apos;-&apos; for standard output).</source>
        <translation>Ziel des Exports (&apos;-&apos; für die Standardausgabe).</translation>
    </message>
    <message>
        <source>FILE</source>
        <translation>DATEI</translation>
    </message>
    <message>
        <source>verify or export</source>
        <translation>verify oder export</translation>
    </message>
    <message>
        <source>say &apos;verify&apos; or &apos;export&apos;</source>
        <translation>&apos;verify&apos; oder &apos;export&apos; angeben</translation>
    </message>
    <message>
        <source>--format must be jsonl or csv</source>
        <translation>--format muss jsonl oder csv sein</translation>
    </message>
    <message>
        <source>vigil audit: no Vigil database in %1
</source>
        <translation>vigil audit: keine Vigil-Datenbank in %1
</translation>
    </message>
    <message>
        <source>vigil audit: %1
</source>
        <translation>vigil audit: %1
</translation>
    </message>
    <message>
        <source>audit log intact: %1 records, each chained to the one before
</source>
        <translation>Audit-Log intakt: %1 Einträge, jeder mit dem vorherigen verkettet
</translation>
    </message>
    <message>
        <source>vigil audit: the audit log was tampered with: %1 (first bad record: %2)
</source>
        <translation>vigil audit: das Audit-Log wurde manipuliert: %1 (erster fehlerhafter Eintrag: %2)
</translation>
    </message>
    <message>
        <source>vigil audit: cannot write %1: %2
</source>
        <translation>vigil audit: %1 kann nicht geschrieben werden: %2
</translation>
    </message>
</context>
<context>
    <name>AuditLog</name>
    <message>
        <source>refused to write a secret to the audit log</source>
        <translation>Schreiben eines Geheimnisses in das Audit-Log verweigert</translation>
    </message>
    <message>
        <source>records %1 to %2 are missing</source>
        <translation>Einträge %1 bis %2 fehlen</translation>
    </message>
    <message>
        <source>record %1 appears out of order</source>
        <translation>Eintrag %1 steht an der falschen Stelle</translation>
    </message>
    <message>
        <source>record %1 does not follow the record before it</source>
        <translation>Eintrag %1 schließt nicht an den vorherigen Eintrag an</translation>
    </message>
    <message>
        <source>record %1 was changed after it was written</source>
        <translation>Eintrag %1 wurde nach dem Schreiben verändert</translation>
    </message>
    <message>
        <source>the log ends at record %1 but was written up to record %2</source>
        <translation>das Log endet bei Eintrag %1, wurde aber bis Eintrag %2 geschrieben</translation>
    </message>
    <message>
        <source>the audit log&apos;s head record is missing</source>
        <translation>der Kopfeintrag des Audit-Logs fehlt</translation>
    </message>
</context>
<context>
    <name>AuditModel</name>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>Vigil&apos;s automation</source>
        <translation>Vigil-Automatisierung</translation>
    </message>
    <message>
        <source>An analyst: %1</source>
        <translation>Analyst: %1</translation>
    </message>
    <message>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>Actor</source>
        <translation>Akteur</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Bezug</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Details</translation>
    </message>
</context>
<context>
    <name>AuditText</name>
    <message>
        <source>Decision</source>
        <translation>Entscheidung</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <source>Analyst command</source>
        <translation>Analystenbefehl</translation>
    </message>
    <message>
        <source>Outbound call</source>
        <translation>Ausgehender Aufruf</translation>
    </message>
    <message>
        <source>State change</source>
        <translation>Statuswechsel</translation>
    </message>
    <message>
        <source>%1 → %2</source>
        <translation>%1 → %2</translation>
    </message>
    <message>
        <source>%1 (dry run)</source>
        <translation>%1 (Probelauf)</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>%1 %2 %3 → %4 %5</source>
        <translation>%1 %2 %3 → %4 %5</translation>
    </message>
</context>
<context>
    <name>AuditView</name>
    <message>
        <source>All kinds</source>
        <translation>Alle Arten</translation>
    </message>
    <message>
        <source>Anyone</source>
        <translation>Alle Akteure</translation>
    </message>
    <message>
        <source>Vigil (automation)</source>
        <translation>Vigil (Automatisierung)</translation>
    </message>
    <message>
        <source>Analysts</source>
        <translation>Analysten</translation>
    </message>
    <message>
        <source>Alert or user</source>
        <translation>Alarm oder Benutzer</translation>
    </message>
    <message>
        <source>Search details, hashes, #seq</source>
        <translation>Details, Hashes, #Nr. durchsuchen</translation>
    </message>
    <message>
        <source>Verify chain</source>
        <translation>Kette prüfen</translation>
    </message>
    <message>
        <source>Recompute every record&apos;s hash and check that each follows the one before</source>
        <translation>Hash jedes Eintrags neu berechnen und prüfen, dass jeder an den vorherigen anschließt</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Exportieren…</translation>
    </message>
    <message>
        <source>Save the whole log, hashes included, as JSON Lines or CSV</source>
        <translation>Das gesamte Log samt Hashes als JSON Lines oder CSV speichern</translation>
    </message>
    <message>
        <source>Back to the newest records</source>
        <translation>Zurück zu den neuesten Einträgen</translation>
    </message>
    <message>
        <source>Select a record to see it in full</source>
        <translation>Wählen Sie einen Eintrag, um ihn vollständig zu sehen</translation>
    </message>
    <message>
        <source>Hash</source>
        <translation>Hash</translation>
    </message>
    <message>
        <source>Previous hash</source>
        <translation>Vorheriger Hash</translation>
    </message>
    <message>
        <source>Counting records…</source>
        <translation>Einträge werden gezählt…</translation>
    </message>
    <message>
        <source>The audit log is empty.</source>
        <translation>Das Audit-Log ist leer.</translation>
    </message>
    <message>
        <source>No record matches the filter.</source>
        <translation>Kein Eintrag passt zum Filter.</translation>
    </message>
    <message>
        <source>Showing %1 of %2 records, newest first</source>
        <translation>%1 von %2 Einträgen, neueste zuerst</translation>
    </message>
    <message>
        <source> (filtered)</source>
        <translation> (gefiltert)</translation>
    </message>
    <message>
        <source>, from record %1 down</source>
        <translation>, ab Eintrag %1 abwärts</translation>
    </message>
    <message>
        <source> · scroll for more</source>
        <translation> · für mehr scrollen</translation>
    </message>
    <message>
        <source>Record %1 · %2</source>
        <translation>Eintrag %1 · %2</translation>
    </message>
    <message>
        <source>Verifying…</source>
        <translation>Wird geprüft…</translation>
    </message>
    <message>
        <source>Checking every record&apos;s hash and link…</source>
        <translation>Hash und Verkettung jedes Eintrags werden geprüft…</translation>
    </message>
    <message>
        <source>✔ Chain intact: the audit log is empty.</source>
        <translation>✔ Kette intakt: Das Audit-Log ist leer.</translation>
    </message>
    <message>
        <source>✔ Chain intact: %1 records, head %2</source>
        <translation>✔ Kette intakt: %1 Einträge, Kopf %2</translation>
    </message>
    <message>
        <source>✖ Chain broken at record %1: %2. Records from there on cannot be trusted.</source>
        <translation>✖ Kette bei Eintrag %1 unterbrochen: %2. Einträgen ab dort kann nicht vertraut werden.</translation>
    </message>
    <message>
        <source>JSON Lines (*.jsonl)</source>
        <translation>JSON Lines (*.jsonl)</translation>
    </message>
    <message>
        <source>CSV (*.csv)</source>
        <translation>CSV (*.csv)</translation>
    </message>
    <message>
        <source>Export the audit log</source>
        <translation>Audit-Log exportieren</translation>
    </message>
    <message>
        <source>Exported %1 records to %2</source>
        <translation>%1 Einträge nach %2 exportiert</translation>
    </message>
    <message>
        <source>Could not export to %1: %2</source>
        <translation>Export nach %1 fehlgeschlagen: %2</translation>
    </message>
</context>
<context>
    <name>ChartsPanel</name>
    <message>
        <source>open alerts</source>
        <translation>offene Alarme</translation>
    </message>
    <message>
        <source>users</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>Sign-ins per minute</source>
        <translation>Anmeldungen pro Minute</translation>
    </message>
    <message>
        <source>success</source>
        <translation>erfolgreich</translation>
    </message>
    <message>
        <source>failure</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <source>minutes ago</source>
        <translation>Minuten zurück</translation>
    </message>
    <message>
        <source>Open alerts by detection</source>
        <translation>Offene Alarme nach Erkennung</translation>
    </message>
    <message>
        <source>Risk of the users at risk</source>
        <translation>Risiko der gefährdeten Benutzer</translation>
    </message>
    <message>
        <source>&lt;20</source>
        <translation>&lt;20</translation>
    </message>
    <message>
        <source>20+</source>
        <translation>20+</translation>
    </message>
    <message>
        <source>40+</source>
        <translation>40+</translation>
    </message>
    <message>
        <source>60+</source>
        <translation>60+</translation>
    </message>
    <message>
        <source>80+</source>
        <translation>80+</translation>
    </message>
</context>
<context>
    <name>CheckPage</name>
    <message>
        <source>&amp;Test again</source>
        <translation>Erneut &amp;testen</translation>
    </message>
    <message>
        <source>Test the connection</source>
        <translation>Verbindung testen</translation>
    </message>
    <message>
        <source>Vigil asks Okta for one System Log event (GET /api/v1/logs?limit=1), the call its monitoring depends on, and shows what the credential may do.</source>
        <translation>Vigil fragt bei Okta ein System-Log-Ereignis ab (GET /api/v1/logs?limit=1) – den Aufruf, auf dem die Überwachung beruht – und zeigt, was die Zugangsdaten dürfen.</translation>
    </message>
    <message>
        <source>Asking Okta…</source>
        <translation>Okta wird gefragt…</translation>
    </message>
    <message>
        <source>Not connected: %1</source>
        <translation>Nicht verbunden: %1</translation>
    </message>
</context>
<context>
    <name>CommandLine</name>
    <message>
        <source>Replay Okta System Log files through the pipeline, print a report</source>
        <translation>Okta-System-Log-Dateien durch die Pipeline abspielen und einen Bericht ausgeben</translation>
    </message>
    <message>
        <source>Run the live pipeline without a window (System Log, Event Hooks)</source>
        <translation>Live-Pipeline ohne Fenster ausführen (System Log, Event Hooks)</translation>
    </message>
    <message>
        <source>Print the report of what a live run stored</source>
        <translation>Bericht über das ausgeben, was ein Live-Lauf gespeichert hat</translation>
    </message>
    <message>
        <source>Show the live pipeline&apos;s health as &apos;vigil serve&apos; last wrote it</source>
        <translation>Zustand der Live-Pipeline anzeigen, wie &apos;vigil serve&apos; ihn zuletzt geschrieben hat</translation>
    </message>
    <message>
        <source>Check a risk policy file, or print the default policy</source>
        <translation>Eine Risikorichtlinie prüfen oder die Standardrichtlinie ausgeben</translation>
    </message>
    <message>
        <source>Verify or export the hash-chained audit log</source>
        <translation>Das Audit-Log mit Hash-Kette prüfen oder exportieren</translation>
    </message>
    <message>
        <source>List alerts, or acknowledge, override, suspend, resolve one</source>
        <translation>Alarme auflisten oder einen bestätigen, übersteuern, sperren, erledigen</translation>
    </message>
    <message>
        <source>Usage: vigil [options]            start the console window
       vigil &lt;command&gt; [options]  run a command without a window

Commands:
</source>
        <translation>Aufruf: vigil [Optionen]           Konsolenfenster starten
        vigil &lt;Befehl&gt; [Optionen]  Befehl ohne Fenster ausführen

Befehle:
</translation>
    </message>
    <message>
        <source>Show this help.</source>
        <translation>Diese Hilfe anzeigen.</translation>
    </message>
    <message>
        <source>Show the version.</source>
        <translation>Version anzeigen.</translation>
    </message>
    <message>
        <source>The command to run.</source>
        <translation>Der auszuführende Befehl.</translation>
    </message>
    <message>
        <source>vigil: %1

</source>
        <translation>vigil: %1

</translation>
    </message>
    <message>
        <source>vigil: unknown command &apos;%1&apos;

</source>
        <translation>vigil: unbekannter Befehl &apos;%1&apos;

</translation>
    </message>
    <message>
        <source>vigil %1: %2: %3
</source>
        <translation>vigil %1: %2: %3
</translation>
    </message>
    <message>
        <source>vigil %1: %2

</source>
        <translation>vigil %1: %2

</translation>
    </message>
    <message>
        <source>unexpected argument &apos;%1&apos;</source>
        <translation>unerwartetes Argument &apos;%1&apos;</translation>
    </message>
    <message>
        <source>vigil %1: cannot write the report to %2: %3
</source>
        <translation>vigil %1: der Bericht kann nicht nach %2 geschrieben werden: %3
</translation>
    </message>
    <message>
        <source>
Options:
  -h, --help     Show this help, or a command&apos;s help with &apos;vigil &lt;command&gt; --help&apos;
  -v, --version  Show the version
  --lang LANG    Speak LANG (en, de, fr) instead of the system&apos;s language
</source>
        <translation>
Optionen:
  -h, --help     Diese Hilfe anzeigen, oder die Hilfe eines Befehls mit &apos;vigil &lt;Befehl&gt; --help&apos;
  -v, --version  Version anzeigen
  --lang LANG    Sprache LANG (en, de, fr) statt der Systemsprache verwenden
</translation>
    </message>
    <message>
        <source>Team mode: share postgresql://USER@HOST:PORT/DATABASE with other consoles instead of the SQLite file in the data folder (password from VIGIL_STORE_PASSWORD or the keychain).</source>
        <translation>Teammodus: postgresql://USER@HOST:PORT/DATABASE mit anderen Konsolen teilen statt der SQLite-Datei im Datenordner (Passwort aus VIGIL_STORE_PASSWORD oder dem Schlüsselbund).</translation>
    </message>
    <message>
        <source>URL</source>
        <translation>URL</translation>
    </message>
</context>
<context>
    <name>CommandListener</name>
    <message>
        <source>another Vigil process already takes commands for this data folder</source>
        <translation>ein anderer Vigil-Prozess nimmt für diesen Datenordner bereits Befehle an</translation>
    </message>
    <message>
        <source>the running Vigil did not answer in time</source>
        <translation>das laufende Vigil hat nicht rechtzeitig geantwortet</translation>
    </message>
</context>
<context>
    <name>ConnectionSettings</name>
    <message>
        <source>the Okta org URL is empty</source>
        <translation>die Org-URL von Okta ist leer</translation>
    </message>
    <message>
        <source>the authentication method must be token or oauth</source>
        <translation>die Authentifizierungsmethode muss token oder oauth sein</translation>
    </message>
    <message>
        <source>an OAuth service app needs its client id</source>
        <translation>eine OAuth-Service-App braucht ihre Client-ID</translation>
    </message>
    <message>
        <source>events must come from somewhere: poll the System Log, receive Event Hooks, or both</source>
        <translation>Ereignisse brauchen eine Quelle: System Log abfragen, Event Hooks empfangen oder beides</translation>
    </message>
    <message>
        <source>the mode must be monitor or enforce</source>
        <translation>der Modus muss monitor oder enforce sein</translation>
    </message>
    <message>
        <source>the auto-suspension delay must be 5 to 60 minutes</source>
        <translation>die Verzögerung der automatischen Sperrung muss 5 bis 60 Minuten betragen</translation>
    </message>
</context>
<context>
    <name>ConsoleLauncher</name>
    <message>
        <source>the service app&apos;s private key is not in the keychain (Settings → Okta)</source>
        <translation>der private Schlüssel der Service-App ist nicht im Schlüsselbund (Einstellungen → Okta)</translation>
    </message>
    <message>
        <source>the Okta API token is not in the keychain (Settings → Okta)</source>
        <translation>das Okta-API-Token ist nicht im Schlüsselbund (Einstellungen → Okta)</translation>
    </message>
    <message>
        <source>the policy file %1 cannot be used: %2</source>
        <translation>die Richtliniendatei %1 ist nicht verwendbar: %2</translation>
    </message>
    <message>
        <source>the Event Hook listener must be ADDRESS:PORT</source>
        <translation>der Event-Hook-Listener muss ADRESSE:PORT sein</translation>
    </message>
    <message>
        <source>%1 · team database %2</source>
        <extracomment>Window title in team mode: &quot;Vigil — acme · team database postgresql://soc@db.example:5432/vigil&quot;</extracomment>
        <translation>%1 · Team-Datenbank %2</translation>
    </message>
</context>
<context>
    <name>DemoMode</name>
    <message>
        <source>the simulated tenant could not listen on loopback</source>
        <translation>der simulierte Tenant konnte nicht auf Loopback lauschen</translation>
    </message>
    <message>
        <source>cannot create a temporary folder: %1</source>
        <translation>temporärer Ordner kann nicht angelegt werden: %1</translation>
    </message>
    <message>
        <source>demo: simulated Okta org with %1 people at %2 (time runs %3× faster)</source>
        <translation>Demo: simulierte Okta-Org mit %1 Personen unter %2 (die Zeit läuft %3× schneller)</translation>
    </message>
    <message>
        <source>demo: the simulated org is under attack: %1 against %2 from %3</source>
        <translation>Demo: die simulierte Org wird angegriffen: %1 gegen %2 von %3</translation>
    </message>
    <message>
        <source>cannot create the data folder %1</source>
        <translation>der Datenordner %1 kann nicht angelegt werden</translation>
    </message>
</context>
<context>
    <name>DialogPrompter</name>
    <message>
        <source>Reason (required)</source>
        <translation>Begründung (erforderlich)</translation>
    </message>
    <message>
        <source>Reason (optional)</source>
        <translation>Begründung (optional)</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Begründung</translation>
    </message>
    <message>
        <source>&amp;Reason:</source>
        <translation>&amp;Begründung:</translation>
    </message>
    <message>
        <source>User confirmed the activity</source>
        <translation>Benutzer hat die Aktivität bestätigt</translation>
    </message>
    <message>
        <source>Known VPN or travel</source>
        <translation>Bekanntes VPN oder Reise</translation>
    </message>
    <message>
        <source>Test or service account</source>
        <translation>Test- oder Dienstkonto</translation>
    </message>
    <message>
        <source>Detection needs tuning (wrong logic)</source>
        <translation>Erkennung muss angepasst werden (falsche Logik)</translation>
    </message>
    <message>
        <source>Inaccurate data (wrong location or address)</source>
        <translation>Ungenaue Daten (falscher Ort oder falsche Adresse)</translation>
    </message>
    <message>
        <source>Other (say why in the note)</source>
        <translation>Sonstiges (Grund in der Notiz angeben)</translation>
    </message>
    <message>
        <source>Choose a reason</source>
        <translation>Begründung wählen</translation>
    </message>
    <message>
        <source>What did you check, and who confirmed it?</source>
        <translation>Was haben Sie geprüft, und wer hat es bestätigt?</translation>
    </message>
    <message>
        <source>&amp;Note:</source>
        <translation>&amp;Notiz:</translation>
    </message>
    <message>
        <source>Also &amp;suppress new alerts for %1</source>
        <translation>Neue Alarme für %1 ebenfalls &amp;unterdrücken</translation>
    </message>
    <message>
        <source>hours</source>
        <translation>Stunden</translation>
    </message>
    <message>
        <source>days</source>
        <translation>Tage</translation>
    </message>
    <message>
        <source>&amp;Expires after:</source>
        <translation>&amp;Läuft ab nach:</translation>
    </message>
    <message>
        <source>&amp;All detections</source>
        <translation>&amp;Alle Erkennungen</translation>
    </message>
    <message>
        <source>&amp;Only these detections:</source>
        <translation>Nu&amp;r diese Erkennungen:</translation>
    </message>
    <message>
        <source>The suppression is listed with your name until it expires.</source>
        <translation>Die Unterdrückung wird bis zu ihrem Ablauf mit Ihrem Namen aufgeführt.</translation>
    </message>
    <message>
        <source>Mark false positive</source>
        <translation>Als Fehlalarm markieren</translation>
    </message>
    <message>
        <source>Mark %1 false positives</source>
        <translation>%1 Fehlalarme markieren</translation>
    </message>
    <message>
        <source>Choose a reason.</source>
        <translation>Wählen Sie eine Begründung.</translation>
    </message>
    <message>
        <source>Say why in the note.</source>
        <translation>Geben Sie den Grund in der Notiz an.</translation>
    </message>
    <message>
        <source>Pick the detections to suppress, or all of them.</source>
        <translation>Wählen Sie die zu unterdrückenden Erkennungen oder alle.</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>Sonstiges</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <extracomment>A false positive&apos;s reason followed by the analyst&apos;s note.</extracomment>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Alert queue keys</source>
        <translation>Tasten der Alarm-Warteschlange</translation>
    </message>
</context>
<context>
    <name>EventFilter</name>
    <message>
        <source>&apos;%1&apos; at %2 needs something to exclude, e.g. -user:bob or !type:user.session</source>
        <translation>&apos;%1&apos; an Stelle %2 braucht etwas zum Ausschließen, z. B. -user:bob oder !type:user.session</translation>
    </message>
    <message>
        <source>empty quotes at %1 match nothing</source>
        <translation>leere Anführungszeichen an Stelle %1 treffen auf nichts zu</translation>
    </message>
    <message>
        <source>unknown field &apos;%1&apos; at %2; try %3 (put text with &apos;:&apos; in quotes to search for it)</source>
        <translation>unbekanntes Feld &apos;%1&apos; an Stelle %2; versuchen Sie %3 (setzen Sie Text mit &apos;:&apos; in Anführungszeichen, um danach zu suchen)</translation>
    </message>
    <message>
        <source>&apos;%1&apos; at %2 needs a value, e.g. %3</source>
        <translation>&apos;%1&apos; an Stelle %2 braucht einen Wert, z. B. %3</translation>
    </message>
    <message>
        <source>empty value in the list at %1</source>
        <translation>leerer Wert in der Liste an Stelle %1</translation>
    </message>
    <message>
        <source>unexpected quote at %1; quote the whole value, e.g. %2:&quot;a b&quot;</source>
        <translation>unerwartetes Anführungszeichen an Stelle %1; setzen Sie den ganzen Wert in Anführungszeichen, z. B. %2:&quot;a b&quot;</translation>
    </message>
    <message>
        <source>empty value at %1 matches nothing</source>
        <translation>leerer Wert an Stelle %1 trifft auf nichts zu</translation>
    </message>
    <message>
        <source>&apos;%1&apos; at %2 cannot be excluded; use %3 instead</source>
        <translation>&apos;%1&apos; an Stelle %2 kann nicht ausgeschlossen werden; verwenden Sie stattdessen %3</translation>
    </message>
    <message>
        <source>&apos;%1&apos; at %2 takes one time, not a list</source>
        <translation>&apos;%1&apos; an Stelle %2 erwartet einen Zeitpunkt, keine Liste</translation>
    </message>
    <message>
        <source>&apos;%1&apos; at %2 is not a time; use a span such as 15m, 2h or 7d, today, a date such as 2026-05-01 or a time such as 2026-05-01T13:30</source>
        <translation>&apos;%1&apos; an Stelle %2 ist keine Zeitangabe; verwenden Sie eine Spanne wie 15m, 2h oder 7d, today, ein Datum wie 2026-05-01 oder einen Zeitpunkt wie 2026-05-01T13:30</translation>
    </message>
    <message>
        <source>&apos;%1&apos; at %2 is not an address range such as 10.0.0.0/8</source>
        <translation>&apos;%1&apos; an Stelle %2 ist kein Adressbereich wie 10.0.0.0/8</translation>
    </message>
    <message>
        <source>since: is not before until:, so nothing can match (at %1)</source>
        <translation>since: liegt nicht vor until:, daher kann nichts zutreffen (an Stelle %1)</translation>
    </message>
    <message>
        <source>a space must follow the closing quote at %1</source>
        <translation>nach dem schließenden Anführungszeichen an Stelle %1 muss ein Leerzeichen folgen</translation>
    </message>
    <message>
        <source>the quote at %1 is not closed</source>
        <translation>das Anführungszeichen an Stelle %1 ist nicht geschlossen</translation>
    </message>
</context>
<context>
    <name>EventHookEndpoint</name>
    <message>
        <source>The listener must be ADDRESS:PORT, for instance %1.</source>
        <translation>Der Listener muss ADRESSE:PORT sein, zum Beispiel %1.</translation>
    </message>
    <message>
        <source>The public address must be an https:// URL: Okta delivers Event Hooks only over HTTPS with a trusted certificate.</source>
        <translation>Die öffentliche Adresse muss eine https://-URL sein: Okta liefert Event Hooks nur über HTTPS mit einem vertrauenswürdigen Zertifikat aus.</translation>
    </message>
</context>
<context>
    <name>EventHookReceiver</name>
    <message>
        <source>TLS for the hook receiver needs both a certificate and a private key</source>
        <translation>TLS für den Hook-Empfänger braucht ein Zertifikat und einen privaten Schlüssel</translation>
    </message>
    <message>
        <source>cannot listen for Event Hooks on %1:%2: %3</source>
        <translation>Event Hooks können auf %1:%2 nicht empfangen werden: %3</translation>
    </message>
    <message>
        <source>receiving Okta Event Hooks on %1://%2:%3</source>
        <translation>Okta-Event-Hooks werden auf %1://%2:%3 empfangen</translation>
    </message>
    <message>
        <source>this endpoint receives Okta Event Hooks</source>
        <translation>dieser Endpunkt empfängt Okta-Event-Hooks</translation>
    </message>
    <message>
        <source>answered Okta&apos;s Event Hook verification</source>
        <translation>Event-Hook-Verifizierung von Okta beantwortet</translation>
    </message>
    <message>
        <source>only GET (verification) and POST (deliveries) are accepted</source>
        <translation>nur GET (Verifizierung) und POST (Zustellungen) werden akzeptiert</translation>
    </message>
    <message>
        <source>missing or wrong authorization</source>
        <translation>fehlende oder falsche Autorisierung</translation>
    </message>
    <message>
        <source>the body must be application/json</source>
        <translation>der Body muss application/json sein</translation>
    </message>
    <message>
        <source>the body is too large</source>
        <translation>der Body ist zu groß</translation>
    </message>
    <message>
        <source>Event Hook delivery</source>
        <translation>Event-Hook-Zustellung</translation>
    </message>
    <message>
        <source>the events could not be stored</source>
        <translation>die Ereignisse konnten nicht gespeichert werden</translation>
    </message>
    <message>
        <source>not found</source>
        <translation>nicht gefunden</translation>
    </message>
</context>
<context>
    <name>EventParser</name>
    <message>
        <source>required field &apos;%1&apos; is null</source>
        <translation>Pflichtfeld &apos;%1&apos; ist null</translation>
    </message>
    <message>
        <source>field &apos;%1&apos; must be a string, not %2</source>
        <translation>Feld &apos;%1&apos; muss ein String sein, nicht %2</translation>
    </message>
    <message>
        <source>required field &apos;%1&apos; is empty</source>
        <translation>Pflichtfeld &apos;%1&apos; ist leer</translation>
    </message>
    <message>
        <source>unparsable timestamp in &apos;published&apos;: &quot;%1&quot;</source>
        <translation>nicht lesbarer Zeitstempel in &apos;published&apos;: &quot;%1&quot;</translation>
    </message>
    <message>
        <source>missing required field &apos;%1&apos;</source>
        <translation>Pflichtfeld &apos;%1&apos; fehlt</translation>
    </message>
    <message>
        <source>invalid JSON: %1</source>
        <translation>ungültiges JSON: %1</translation>
    </message>
    <message>
        <source>not a JSON object but %1</source>
        <translation>kein JSON-Objekt, sondern %1</translation>
    </message>
</context>
<context>
    <name>EventSourcePage</name>
    <message>
        <source>&amp;Poll the System Log (recommended)</source>
        <translation>System Log &amp;abfragen (empfohlen)</translation>
    </message>
    <message>
        <source>Receive Okta &amp;Event Hooks</source>
        <translation>Okta-&amp;Event-Hooks empfangen</translation>
    </message>
    <message>
        <source>Sho&amp;w</source>
        <translation>An&amp;zeigen</translation>
    </message>
    <message>
        <source>Where events come from</source>
        <translation>Woher die Ereignisse kommen</translation>
    </message>
    <message>
        <source>Polling reads the System Log every few seconds and catches up after any interruption. Event Hooks push events within a second or two, but need an HTTPS address Okta can reach.</source>
        <translation>Die Abfrage liest das System Log alle paar Sekunden und holt nach jeder Unterbrechung auf. Event Hooks liefern Ereignisse innerhalb von ein, zwei Sekunden, brauchen aber eine HTTPS-Adresse, die Okta erreichen kann.</translation>
    </message>
    <message>
        <source>https://vigil-hooks.example.com (your reverse proxy or tunnel)</source>
        <translation>https://vigil-hooks.example.com (Ihr Reverse Proxy oder Tunnel)</translation>
    </message>
    <message>
        <source>New</source>
        <translation>Neu</translation>
    </message>
    <message>
        <source>Generate a new secret (the one shown before stops working once you save)</source>
        <translation>Neues Geheimnis erzeugen (das bisherige funktioniert nach dem Speichern nicht mehr)</translation>
    </message>
    <message>
        <source>&amp;Listen on:</source>
        <translation>&amp;Listener:</translation>
    </message>
    <message>
        <source>P&amp;ublic HTTPS address:</source>
        <translation>Ö&amp;ffentliche HTTPS-Adresse:</translation>
    </message>
    <message>
        <source>In the Admin Console: Workflow → Event Hooks → Create Event Hook. Paste these, subscribe to the sign-in, MFA and account events, then Verify while Vigil runs.</source>
        <translation>In der Admin Console: Workflow → Event Hooks → Create Event Hook. Fügen Sie diese Werte ein, abonnieren Sie die Anmelde-, MFA- und Kontoereignisse und klicken Sie dann auf Verify, während Vigil läuft.</translation>
    </message>
    <message>
        <source>Endpoint &amp;URL:</source>
        <translation>Endpunkt-&amp;URL:</translation>
    </message>
    <message>
        <source>Authentication field:</source>
        <translation>Authentifizierungsfeld:</translation>
    </message>
    <message>
        <source>Authentication &amp;secret:</source>
        <translation>Authentifizierungs-&amp;Geheimnis:</translation>
    </message>
    <message>
        <source>Okta cannot reach this computer&apos;s listener by itself. Publish it through your reverse proxy or tunnel, enter that address above, and paste the resulting URL into Okta.</source>
        <translation>Okta kann den Listener dieses Computers nicht von selbst erreichen. Veröffentlichen Sie ihn über Ihren Reverse Proxy oder Tunnel, tragen Sie diese Adresse oben ein und fügen Sie die resultierende URL in Okta ein.</translation>
    </message>
    <message>
        <source>Forward %1 to the listener on %2. Okta sends the secret in the Authorization header; Vigil refuses every delivery without it.</source>
        <translation>Leiten Sie %1 an den Listener auf %2 weiter. Okta sendet das Geheimnis im Authorization-Header; Vigil lehnt jede Zustellung ohne Geheimnis ab.</translation>
    </message>
</context>
<context>
    <name>EventStreamModel</name>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen…</translation>
    </message>
    <message>
        <source>%1 UTC</source>
        <translation>%1 UTC</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Event type</source>
        <translation>Ereignistyp</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>IP</source>
        <translation>IP</translation>
    </message>
    <message>
        <source>The event store is not open.</source>
        <translation>Der Ereignisspeicher ist nicht geöffnet.</translation>
    </message>
</context>
<context>
    <name>EventStreamView</name>
    <message>
        <source>Follow live</source>
        <translation>Live folgen</translation>
    </message>
    <message>
        <source>Filter events: user:alice type:user.session ip:10.0.0.0/8 outcome:failure since:2h   (press / to focus)</source>
        <translation>Ereignisse filtern: user:alice type:user.session ip:10.0.0.0/8 outcome:failure since:2h   (/ zum Fokussieren)</translation>
    </message>
    <message>
        <source>Terms that must all match: user:, type: (a prefix), ip: (a prefix or a range), outcome:, since: and until: (15m, 2h, 7d, a date or a time), or any text. -term excludes; a,b is either; quote values with spaces.</source>
        <translation>Begriffe, die alle zutreffen müssen: user:, type: (ein Präfix), ip: (ein Präfix oder Bereich), outcome:, since: und until: (15m, 2h, 7d, ein Datum oder ein Zeitpunkt) oder beliebiger Text. -Begriff schließt aus; a,b steht für a oder b; Werte mit Leerzeichen in Anführungszeichen setzen.</translation>
    </message>
    <message>
        <source>Keep the newest event at the top as events are stored. Scrolling down pauses it.</source>
        <translation>Das neueste Ereignis beim Speichern oben halten. Herunterscrollen pausiert das.</translation>
    </message>
    <message>
        <source>Select an event to see its JSON as stored.</source>
        <translation>Wählen Sie ein Ereignis, um sein JSON so zu sehen, wie es gespeichert ist.</translation>
    </message>
    <message>
        <source>⚠ The store could not be read</source>
        <translation>⚠ Der Speicher konnte nicht gelesen werden</translation>
    </message>
    <message>
        <source>Not applied: %1</source>
        <translation>Nicht angewendet: %1</translation>
    </message>
    <message>
        <source>⚠ Not applied: %1</source>
        <translation>⚠ Nicht angewendet: %1</translation>
    </message>
    <message>
        <source>Still showing “%1”.</source>
        <translation>Weiterhin aktiv: „%1“.</translation>
    </message>
    <message>
        <source>Counting…</source>
        <translation>Wird gezählt…</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen…</translation>
    </message>
    <message>
        <source>This event is no longer in the store.</source>
        <translation>Dieses Ereignis ist nicht mehr im Speicher.</translation>
    </message>
    <message>
        <source>1 event</source>
        <translation>1 Ereignis</translation>
    </message>
    <message>
        <source>%1 events</source>
        <translation>%1 Ereignisse</translation>
    </message>
    <message>
        <source>1 matching event</source>
        <translation>1 passendes Ereignis</translation>
    </message>
    <message>
        <source>%1 matching events</source>
        <translation>%1 passende Ereignisse</translation>
    </message>
</context>
<context>
    <name>FilterBar</name>
    <message>
        <source>&amp;Filter:</source>
        <translation>&amp;Filter:</translation>
    </message>
    <message>
        <source>text, user:, detection:, country:!US, status:pending, severity&gt;=high, risk&gt;=60  (press / to focus)</source>
        <translation>Text, user:, detection:, country:!US, status:pending, severity&gt;=high, risk&gt;=60  (/ zum Fokussieren)</translation>
    </message>
    <message>
        <source>Alert filter</source>
        <translation>Alarmfilter</translation>
    </message>
    <message>
        <source>Filter the queue. Free text matches user, detections, IP and country.
Fields: user: detection: country: status: ip: assignee: severity: risk:
Compare: severity&gt;=high, risk&gt;=60. Exclude: -user:bob or country:!US. Lists: country:US,CA. Quotes: detection:&quot;brute force&quot;.</source>
        <translation>Warteschlange filtern. Freitext sucht in Benutzer, Erkennungen, IP und Land.
Felder: user: detection: country: status: ip: assignee: severity: risk:
Vergleichen: severity&gt;=high, risk&gt;=60. Ausschließen: -user:bob oder country:!US. Listen: country:US,CA. Anführungszeichen: detection:&quot;brute force&quot;.</translation>
    </message>
    <message>
        <source>Filter error</source>
        <translation>Filterfehler</translation>
    </message>
    <message>
        <source>Not applied: %1</source>
        <translation>Nicht angewendet: %1</translation>
    </message>
    <message>
        <source>⚠ Not applied: %1</source>
        <extracomment>Shown under the filter line; %1 is the parser&apos;s message.</extracomment>
        <translation>⚠ Nicht angewendet: %1</translation>
    </message>
    <message>
        <source>Still showing “%1”.</source>
        <extracomment>After a filter error: the filter that still applies.</extracomment>
        <translation>Weiterhin aktiv: „%1“.</translation>
    </message>
</context>
<context>
    <name>FirstRunWizard</name>
    <message>
        <source>Welcome to Vigil</source>
        <translation>Willkommen bei Vigil</translation>
    </message>
    <message>
        <source>Org: %1</source>
        <translation>Org: %1</translation>
    </message>
    <message>
        <source>Credential: OAuth service app %1</source>
        <translation>Zugangsdaten: OAuth-Service-App %1</translation>
    </message>
    <message>
        <source>Credential: API token</source>
        <translation>Zugangsdaten: API-Token</translation>
    </message>
    <message>
        <source>System Log polling</source>
        <translation>System-Log-Abfrage</translation>
    </message>
    <message>
        <source>Event Hooks on %1</source>
        <translation>Event Hooks auf %1</translation>
    </message>
    <message>
        <source>Events: %1</source>
        <translation>Ereignisse: %1</translation>
    </message>
    <message>
        <source> and </source>
        <translation> und </translation>
    </message>
    <message>
        <source>Secrets: the system keychain</source>
        <translation>Geheimnisse: System-Schlüsselbund</translation>
    </message>
    <message>
        <source>Mode: monitor</source>
        <translation>Modus: Überwachen</translation>
    </message>
    <message>
        <source>Cannot save: %1</source>
        <translation>Speichern nicht möglich: %1</translation>
    </message>
    <message>
        <source>Saving the credential to the system keychain…</source>
        <translation>Zugangsdaten werden im System-Schlüsselbund gespeichert…</translation>
    </message>
    <message>
        <source>Nothing was saved: %1. Unlock the system keychain and try again.</source>
        <translation>Nichts wurde gespeichert: %1. Entsperren Sie den System-Schlüsselbund und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>the settings file %1 cannot be written</source>
        <translation>die Einstellungsdatei %1 kann nicht geschrieben werden</translation>
    </message>
    <message>
        <source>Nothing was saved: %1.</source>
        <translation>Nichts wurde gespeichert: %1.</translation>
    </message>
</context>
<context>
    <name>IngestHealth</name>
    <message>
        <source>stopped</source>
        <translation>gestoppt</translation>
    </message>
    <message>
        <source>starting</source>
        <translation>startet</translation>
    </message>
    <message>
        <source>catching up</source>
        <translation>holt auf</translation>
    </message>
    <message>
        <source>live</source>
        <translation>live</translation>
    </message>
    <message>
        <source>waiting</source>
        <translation>wartet</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <source>lag %1 s</source>
        <translation>Verzögerung %1 s</translation>
    </message>
    <message>
        <source>%1 events/min</source>
        <translation>%1 Ereignisse/min</translation>
    </message>
    <message>
        <source>%1 requests/min</source>
        <translation>%1 Anfragen/min</translation>
    </message>
    <message>
        <source>%1/%2 requests left</source>
        <translation>%1/%2 Anfragen übrig</translation>
    </message>
    <message>
        <source>%1 stored</source>
        <translation>%1 gespeichert</translation>
    </message>
    <message>
        <source>%1 duplicates</source>
        <translation>%1 Duplikate</translation>
    </message>
    <message>
        <source>%1 rejected</source>
        <translation>%1 abgelehnt</translation>
    </message>
    <message>
        <source>last error: %1</source>
        <translation>letzter Fehler: %1</translation>
    </message>
</context>
<context>
    <name>InputReader</name>
    <message>
        <source>cannot read %1: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>cannot read standard input</source>
        <translation>Standardeingabe kann nicht gelesen werden</translation>
    </message>
    <message>
        <source>invalid JSON document, reading stopped here: %1</source>
        <translation>ungültiges JSON-Dokument, Lesen hier abgebrochen: %1</translation>
    </message>
</context>
<context>
    <name>Language</name>
    <message>
        <source>--lang needs a language: %1</source>
        <translation>--lang braucht eine Sprache: %1</translation>
    </message>
    <message>
        <source>unknown language &apos;%1&apos;; Vigil speaks %2</source>
        <translation>unbekannte Sprache &apos;%1&apos;; Vigil spricht %2</translation>
    </message>
</context>
<context>
    <name>LivePipeline</name>
    <message>
        <source>restored %1 baselines and re-scored %2 stored events</source>
        <translation>%1 Baselines wiederhergestellt und %2 gespeicherte Ereignisse neu bewertet</translation>
    </message>
    <message>
        <source>could not save %1 baselines: %2</source>
        <translation>%1 Baselines konnten nicht gespeichert werden: %2</translation>
    </message>
</context>
<context>
    <name>LiveSession</name>
    <message>
        <source>no Okta credential: set VIGIL_OKTA_TOKEN (API token), or VIGIL_OKTA_CLIENT_ID and VIGIL_OKTA_PRIVATE_KEY_FILE (OAuth service app)</source>
        <translation>keine Okta-Zugangsdaten: setzen Sie VIGIL_OKTA_TOKEN (API-Token) oder VIGIL_OKTA_CLIENT_ID und VIGIL_OKTA_PRIVATE_KEY_FILE (OAuth-Service-App)</translation>
    </message>
    <message>
        <source>team: %1 is now %2 (%3)</source>
        <translation>Team: %1 ist jetzt %2 (%3)</translation>
    </message>
    <message>
        <source>store %1: %2 events; re-scored the last %3 of them</source>
        <translation>Speicher %1: %2 Ereignisse; die letzten %3 davon neu bewertet</translation>
    </message>
    <message>
        <source>alert opened: %1, risk %2 (%3): %4</source>
        <translation>Alarm geöffnet: %1, Risiko %2 (%3): %4</translation>
    </message>
    <message>
        <source>alert updated: %1, risk %2 (%3): %4</source>
        <translation>Alarm aktualisiert: %1, Risiko %2 (%3): %4</translation>
    </message>
    <message>
        <source>team: leading; scored %1 events stored by other consoles</source>
        <translation>Team: führend; %1 von anderen Konsolen gespeicherte Ereignisse bewertet</translation>
    </message>
    <message>
        <source>team: following; another console runs the automation</source>
        <translation>Team: folgend; eine andere Konsole führt die Automatisierung aus</translation>
    </message>
    <message>
        <source>analyst commands from &apos;vigil alert&apos; will not reach this process: %1</source>
        <translation>Analystenbefehle aus &apos;vigil alert&apos; erreichen diesen Prozess nicht: %1</translation>
    </message>
    <message>
        <source>no baseline yet for this user</source>
        <translation>noch keine Baseline für diesen Benutzer</translation>
    </message>
    <message>
        <source>the automation core is not running</source>
        <translation>der Automatisierungskern läuft nicht</translation>
    </message>
    <message>
        <source>already %1</source>
        <translation>bereits im Status %1</translation>
    </message>
    <message>
        <source>team: acting on %1 alerts that changed while this console followed</source>
        <translation>Team: handelt bei %1 Alarmen, die sich geändert haben, während diese Konsole folgte</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Vigil</source>
        <translation>Vigil</translation>
    </message>
    <message>
        <source>No Okta org is connected.
Run &apos;vigil --demo&apos; to watch the simulated org, &apos;vigil serve&apos; for a real one, or
&apos;vigil replay --input FILE&apos; to check an Okta System Log export.</source>
        <translation>Keine Okta-Org verbunden.
Starten Sie &apos;vigil --demo&apos; für die simulierte Org, &apos;vigil serve&apos; für eine echte oder
&apos;vigil replay --input DATEI&apos;, um einen Okta-System-Log-Export zu prüfen.</translation>
    </message>
    <message>
        <source>No Okta tenant connected</source>
        <translation>Kein Okta-Tenant verbunden</translation>
    </message>
    <message>
        <source>Store unavailable</source>
        <translation>Speicher nicht verfügbar</translation>
    </message>
    <message>
        <source>Store %1 events · %2</source>
        <extracomment>Status bar: number of stored Okta events and the database size, e.g. &quot;Store 12,345 events · 3.2 MB&quot;</extracomment>
        <translation>Speicher %1 Ereignisse · %2</translation>
    </message>
    <message>
        <source>&amp;Vigil</source>
        <translation>&amp;Vigil</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Einstellungen…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>V&amp;iew</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation>&amp;Design</translation>
    </message>
    <message>
        <source>&amp;Reset Layout</source>
        <translation>Layout &amp;zurücksetzen</translation>
    </message>
    <message>
        <source>The console&apos;s layout returns to its defaults at the next start.</source>
        <translation>Das Layout der Konsole wird beim nächsten Start auf die Standardwerte zurückgesetzt.</translation>
    </message>
    <message>
        <source>Settings saved. Restart Vigil to connect with them; secrets are in the system keychain.</source>
        <translation>Einstellungen gespeichert. Starten Sie Vigil neu, um damit zu verbinden; Geheimnisse liegen im System-Schlüsselbund.</translation>
    </message>
    <message>
        <source>Map</source>
        <translation>Karte</translation>
    </message>
    <message>
        <source>Charts</source>
        <translation>Diagramme</translation>
    </message>
    <message>
        <source>What Vigil does appears here.</source>
        <translation>Hier erscheint, was Vigil tut.</translation>
    </message>
    <message>
        <source>Activity</source>
        <translation>Aktivität</translation>
    </message>
    <message>
        <source>Poll ● %1%2</source>
        <translation>Abfrage ● %1%2</translation>
    </message>
    <message>
        <source>starting</source>
        <translation>startet</translation>
    </message>
    <message>
        <source> · lag %1 s</source>
        <translation> · Verzögerung %1 s</translation>
    </message>
    <message>
        <source>%1 req left</source>
        <translation>%1 Anfr. übrig</translation>
    </message>
    <message>
        <source>Hooks %1 events</source>
        <translation>Hooks %1 Ereignisse</translation>
    </message>
    <message>
        <source>%1 sign-ins/min, %2 failed</source>
        <translation>%1 Anmeldungen/min, %2 fehlgeschlagen</translation>
    </message>
    <message>
        <source>Mode: %1</source>
        <translation>Modus: %1</translation>
    </message>
    <message>
        <source>ENFORCE</source>
        <translation>DURCHSETZEN</translation>
    </message>
    <message>
        <source>monitor</source>
        <translation>Überwachen</translation>
    </message>
    <message>
        <source>Vigil acts on Okta: step-up and suspension</source>
        <translation>Vigil handelt in Okta: Step-up und Sperrung</translation>
    </message>
    <message>
        <source>Vigil decides and records; it changes nothing in Okta</source>
        <translation>Vigil entscheidet und protokolliert; in Okta ändert es nichts</translation>
    </message>
    <message>
        <source>Breaker: OPEN (step-up only)</source>
        <translation>Circuit Breaker: OFFEN (nur Step-up)</translation>
    </message>
    <message>
        <source>Breaker: closed</source>
        <translation>Circuit Breaker: geschlossen</translation>
    </message>
    <message>
        <source>%1 %2 alert: %3</source>
        <translation>%1 Alarm (%2): %3</translation>
    </message>
    <message>
        <source>Risk %1 — %2</source>
        <translation>Risiko %1 — %2</translation>
    </message>
    <message>
        <source>Auto-suspension pending: open Vigil to hold or cancel.</source>
        <translation>Automatische Sperrung ausstehend: Öffnen Sie Vigil, um sie anzuhalten oder abzubrechen.</translation>
    </message>
    <message>
        <source>%1 refused: %2</source>
        <translation>%1 abgelehnt: %2</translation>
    </message>
    <message>
        <source>Show Vigil</source>
        <translation>Vigil anzeigen</translation>
    </message>
    <message>
        <source>Latest alerts</source>
        <translation>Neueste Alarme</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Öffnen</translation>
    </message>
    <message>
        <source>Hold (acknowledge)</source>
        <translation>Anhalten (bestätigen)</translation>
    </message>
    <message>
        <source>Suspend now…</source>
        <translation>Jetzt sperren…</translation>
    </message>
    <message>
        <source>Cancel suspension…</source>
        <translation>Sperrung abbrechen…</translation>
    </message>
    <message>
        <source>Resolve…</source>
        <translation>Erledigen…</translation>
    </message>
    <message>
        <source>False positive…</source>
        <translation>Fehlalarm…</translation>
    </message>
    <message>
        <source>Quit Vigil</source>
        <translation>Vigil beenden</translation>
    </message>
    <message>
        <source>&amp;Policy and Blast Radius…</source>
        <translation>&amp;Richtlinie und Auswirkungen…</translation>
    </message>
    <message>
        <source>Stored history unavailable: %1</source>
        <translation>Gespeicherter Verlauf nicht verfügbar: %1</translation>
    </message>
    <message>
        <source>policy saved to %1; it takes effect when Vigil next connects</source>
        <translation>Richtlinie nach %1 gespeichert; sie gilt ab der nächsten Verbindung von Vigil</translation>
    </message>
    <message>
        <source>Policy saved to %1. Vigil applies it at the next start (Settings → Policy file).</source>
        <translation>Richtlinie nach %1 gespeichert. Vigil wendet sie beim nächsten Start an (Einstellungen → Richtliniendatei).</translation>
    </message>
    <message>
        <source>Events</source>
        <translation>Ereignisse</translation>
    </message>
    <message>
        <source>Audit</source>
        <translation>Audit</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>Team: database unreachable</source>
        <translation>Team: Datenbank nicht erreichbar</translation>
    </message>
    <message numerus="yes">
        <source>Team: this console leads · %n connected</source>
        <translation>
            <numerusform>Team: diese Konsole führt · %n verbunden</numerusform>
            <numerusform>Team: diese Konsole führt · %n verbunden</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Team: %1 leads · %n connected</source>
        <translation>
            <numerusform>Team: %1 führt · %n verbunden</numerusform>
            <numerusform>Team: %1 führt · %n verbunden</numerusform>
        </translation>
    </message>
    <message>
        <source>nobody</source>
        <translation>niemand</translation>
    </message>
    <message>
        <source>Consoles on the shared database:
%1</source>
        <translation>Konsolen an der gemeinsamen Datenbank:
%1</translation>
    </message>
    <message>
        <source>Team database %1 · %2 events · %3</source>
        <extracomment>Status bar in team mode: &quot;Team database postgresql://soc@db:5432/vigil · 12,345 events · 3.2 GB&quot;</extracomment>
        <translation>Team-Datenbank %1 · %2 Ereignisse · %3</translation>
    </message>
</context>
<context>
    <name>MonitorModeBanner</name>
    <message>
        <source>Open &amp;settings…</source>
        <translation>&amp;Einstellungen öffnen…</translation>
    </message>
    <message>
        <source>&amp;Hide</source>
        <translation>&amp;Ausblenden</translation>
    </message>
    <message>
        <source>Monitor mode</source>
        <translation>Überwachungsmodus</translation>
    </message>
    <message>
        <source>&lt;b&gt;Monitor mode.&lt;/b&gt; Vigil scores risk, opens alerts and records what it would do, but changes nothing in Okta: no step-up, no session ended, no account suspended. To let it act, open Settings → Automation → Mode and choose Enforce; Vigil asks you to type the org&apos;s name first.</source>
        <translation>&lt;b&gt;Überwachungsmodus.&lt;/b&gt; Vigil bewertet Risiken, öffnet Alarme und protokolliert, was es tun würde, ändert aber nichts in Okta: kein Step-up, keine beendete Sitzung, kein gesperrtes Konto. Damit Vigil handelt, öffnen Sie Einstellungen → Automatisierung → Modus und wählen Durchsetzen; Vigil bittet Sie zuvor, den Namen der Org einzugeben.</translation>
    </message>
    <message>
        <source>Hide until Vigil restarts; the status bar still shows the mode.</source>
        <translation>Bis zum Neustart von Vigil ausblenden; die Statusleiste zeigt den Modus weiterhin an.</translation>
    </message>
</context>
<context>
    <name>MonitorModePage</name>
    <message>
        <source>Vigil starts in monitor mode</source>
        <translation>Vigil startet im Überwachungsmodus</translation>
    </message>
    <message>
        <source>It scores risk, opens alerts and records what it would do — step-up MFA, a page, a suspension — without changing anything in Okta.</source>
        <translation>Es bewertet Risiken, öffnet Alarme und protokolliert, was es tun würde — Step-up-MFA, Alarmierung, Sperrung —, ohne etwas in Okta zu ändern.</translation>
    </message>
    <message>
        <source>&amp;Start monitoring</source>
        <translation>Überwachung &amp;starten</translation>
    </message>
    <message>
        <source>Watch its alerts for a few days and compare them with what you know about your users before you let it act.</source>
        <translation>Beobachten Sie die Alarme einige Tage lang und gleichen Sie sie mit Ihrem Wissen über Ihre Benutzer ab, bevor Sie Vigil handeln lassen.</translation>
    </message>
    <message>
        <source>To let Vigil act later: Vigil → Settings… → Automation → Mode → Enforce. It asks you to type the org&apos;s name before it switches; a service app then also needs the okta.users.manage and okta.groups.manage scopes.</source>
        <translation>Damit Vigil später handelt: Vigil → Einstellungen… → Automatisierung → Modus → Durchsetzen. Vor dem Umschalten werden Sie gebeten, den Namen der Org einzugeben; eine Service-App braucht dann zusätzlich die Scopes okta.users.manage und okta.groups.manage.</translation>
    </message>
</context>
<context>
    <name>OAuthServiceAppAuthenticator</name>
    <message>
        <source>the OAuth service app has no client ID</source>
        <translation>die OAuth-Service-App hat keine Client-ID</translation>
    </message>
    <message>
        <source>the private key of %1 cannot be used: %2</source>
        <translation>der private Schlüssel von %1 ist nicht verwendbar: %2</translation>
    </message>
    <message>
        <source>OAuth service app %1</source>
        <translation>OAuth-Service-App %1</translation>
    </message>
    <message>
        <source>no random bytes for the client assertion (%1)</source>
        <translation>keine Zufallsbytes für die Client-Assertion (%1)</translation>
    </message>
    <message>
        <source>cannot reach Okta&apos;s token endpoint for the %1: %2</source>
        <translation>Token-Endpunkt von Okta für die %1 nicht erreichbar: %2</translation>
    </message>
    <message>
        <source>Okta refused the %1 (%2)</source>
        <translation>Okta hat die %1 abgelehnt (%2)</translation>
    </message>
    <message>
        <source>Okta&apos;s token endpoint failed for the %1 (%2)</source>
        <translation>der Token-Endpunkt von Okta schlug für die %1 fehl (%2)</translation>
    </message>
    <message>
        <source>the %1 requires DPoP-bound tokens, which Vigil does not support: turn off &quot;Require DPoP&quot; for the app in Okta</source>
        <translation>die %1 verlangt DPoP-gebundene Tokens, die Vigil nicht unterstützt: Deaktivieren Sie &quot;Require DPoP&quot; für die App in Okta</translation>
    </message>
    <message>
        <source>Okta&apos;s token endpoint answered the %1 without a usable Bearer token</source>
        <translation>der Token-Endpunkt von Okta hat der %1 ohne brauchbares Bearer-Token geantwortet</translation>
    </message>
    <message>
        <source>fetched an access token for the %1 (valid %2 s, scopes: %3)</source>
        <translation>Access-Token für die %1 abgerufen (gültig %2 s, Scopes: %3)</translation>
    </message>
</context>
<context>
    <name>Okta</name>
    <message>
        <source>the body is not valid JSON (%1 bytes): %2</source>
        <translation>der Body ist kein gültiges JSON (%1 Bytes): %2</translation>
    </message>
    <message>
        <source>a System Log page must be a JSON array</source>
        <translation>eine System-Log-Seite muss ein JSON-Array sein</translation>
    </message>
    <message>
        <source>an Event Hook delivery must hold data.events as an array</source>
        <translation>eine Event-Hook-Zustellung muss data.events als Array enthalten</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a URL</source>
        <translation>&apos;%1&apos; ist keine URL</translation>
    </message>
    <message>
        <source>&apos;%1&apos; must use https:// (http:// is only allowed on loopback)</source>
        <translation>&apos;%1&apos; muss https:// verwenden (http:// ist nur auf Loopback erlaubt)</translation>
    </message>
    <message>
        <source>&apos;%1&apos; must be an https:// URL</source>
        <translation>&apos;%1&apos; muss eine https://-URL sein</translation>
    </message>
    <message>
        <source>&apos;%1&apos; must be the org&apos;s address only, e.g. https://acme.okta.com</source>
        <translation>&apos;%1&apos; darf nur die Adresse der Org sein, z. B. https://acme.okta.com</translation>
    </message>
    <message>
        <source>HTTP %1, %2: %3</source>
        <translation>HTTP %1, %2: %3</translation>
    </message>
    <message>
        <source>HTTP %1</source>
        <translation>HTTP %1</translation>
    </message>
    <message>
        <source>unknown OpenSSL error</source>
        <translation>unbekannter OpenSSL-Fehler</translation>
    </message>
    <message>
        <source>no private key was given</source>
        <translation>kein privater Schlüssel angegeben</translation>
    </message>
    <message>
        <source>the private key is not an unencrypted PEM key (%1)</source>
        <translation>der private Schlüssel ist kein unverschlüsselter PEM-Schlüssel (%1)</translation>
    </message>
    <message>
        <source>the private key is not an RSA key (RS256 needs one)</source>
        <translation>der private Schlüssel ist kein RSA-Schlüssel (RS256 benötigt einen)</translation>
    </message>
    <message>
        <source>could not sign the client assertion (%1)</source>
        <translation>die Client-Assertion konnte nicht signiert werden (%1)</translation>
    </message>
    <message>
        <source>API token</source>
        <translation>API-Token</translation>
    </message>
</context>
<context>
    <name>OktaConnectionCheck</name>
    <message>
        <source>The org URL cannot be used.</source>
        <translation>Die Org-URL ist nicht verwendbar.</translation>
    </message>
    <message>
        <source>The service app needs its client id and private key.</source>
        <translation>Die Service-App braucht ihre Client-ID und ihren privaten Schlüssel.</translation>
    </message>
    <message>
        <source>Type the API token first.</source>
        <translation>Geben Sie zuerst das API-Token ein.</translation>
    </message>
    <message>
        <source>Okta did not issue an access token to the service app.</source>
        <translation>Okta hat der Service-App kein Access-Token ausgestellt.</translation>
    </message>
    <message>
        <source>Check the client id, that the app uses public key / private key authentication with this key (and key id), and that it is granted these Okta API scopes: %1.</source>
        <translation>Prüfen Sie die Client-ID, ob die App die Authentifizierung per Public Key / Private Key mit diesem Schlüssel (und dieser Key-ID) verwendet und ob ihr diese Okta-API-Scopes gewährt sind: %1.</translation>
    </message>
    <message>
        <source>Connected to %1: Okta answered GET /api/v1/logs.</source>
        <translation>Verbunden mit %1: Okta hat GET /api/v1/logs beantwortet.</translation>
    </message>
    <message>
        <source>The service app&apos;s token reads the System Log with the scopes Okta granted.</source>
        <translation>Das Token der Service-App liest das System Log mit den von Okta gewährten Scopes.</translation>
    </message>
    <message>
        <source>The API token is valid and reads the System Log. API tokens carry no scopes: they act with the admin role of the person who created them, so create Vigil&apos;s token as a Read-only Administrator for monitor mode.</source>
        <extracomment>SSWS = Okta&apos;s API token scheme; keep the technical terms.</extracomment>
        <translation>Das API-Token ist gültig und liest das System Log. API-Tokens haben keine Scopes: sie handeln mit der Admin-Rolle der Person, die sie erstellt hat. Erstellen Sie das Token für Vigil im Überwachungsmodus daher als Read-only Administrator.</translation>
    </message>
    <message>
        <source>The System Log returned an event, so Vigil will see sign-ins.</source>
        <translation>Das System Log lieferte ein Ereignis, Vigil wird also Anmeldungen sehen.</translation>
    </message>
    <message>
        <source>System Log rate limit: %1 of %2 requests left in this window.</source>
        <translation>System-Log-Rate-Limit: %1 von %2 Anfragen in diesem Zeitfenster übrig.</translation>
    </message>
    <message>
        <source>Cannot reach %1.</source>
        <translation>%1 ist nicht erreichbar.</translation>
    </message>
    <message>
        <source>%1. Check the org URL, and that this workstation can reach Okta (proxy, firewall, VPN).</source>
        <translation>%1. Prüfen Sie die Org-URL und ob dieser Arbeitsplatz Okta erreichen kann (Proxy, Firewall, VPN).</translation>
    </message>
    <message>
        <source>%1 redirects the API elsewhere.</source>
        <translation>%1 leitet die API an eine andere Adresse um.</translation>
    </message>
    <message>
        <source>Okta answered with a redirect to %1. Use the org&apos;s own address (https://&lt;org&gt;.okta.com), not a custom or admin domain.</source>
        <translation>Okta antwortete mit einer Umleitung auf %1. Verwenden Sie die eigene Adresse der Org (https://&lt;org&gt;.okta.com), keine Custom- oder Admin-Domain.</translation>
    </message>
    <message>
        <source>Okta refused the service app&apos;s access token (%1).</source>
        <translation>Okta hat das Access-Token der Service-App abgelehnt (%1).</translation>
    </message>
    <message>
        <source>Check that the app is an API Services app of this org and is still active.</source>
        <translation>Prüfen Sie, ob die App eine API-Services-App dieser Org und noch aktiv ist.</translation>
    </message>
    <message>
        <source>Okta refused the API token (%1).</source>
        <translation>Okta hat das API-Token abgelehnt (%1).</translation>
    </message>
    <message>
        <source>Check that the whole token was copied and that it is still active: Okta revokes a token that was not used for 30 days, and every token of an admin who is deactivated.</source>
        <translation>Prüfen Sie, ob das ganze Token kopiert wurde und noch aktiv ist: Okta widerruft Tokens, die 30 Tage lang nicht verwendet wurden, sowie alle Tokens deaktivierter Admins.</translation>
    </message>
    <message>
        <source>The credential is valid but may not read the System Log (%1).</source>
        <translation>Die Zugangsdaten sind gültig, dürfen das System Log aber nicht lesen (%1).</translation>
    </message>
    <message>
        <source>Grant the service app the okta.logs.read and okta.users.read scopes (Okta API Scopes tab) and assign it the Read-only Administrator role.</source>
        <translation>Gewähren Sie der Service-App die Scopes okta.logs.read und okta.users.read (Registerkarte Okta API Scopes) und weisen Sie ihr die Rolle Read-only Administrator zu.</translation>
    </message>
    <message>
        <source>Create the token as an admin with at least the Read-only Administrator role.</source>
        <translation>Erstellen Sie das Token als Admin mit mindestens der Rolle Read-only Administrator.</translation>
    </message>
    <message>
        <source>Okta&apos;s rate limit for the System Log is used up right now (%1).</source>
        <translation>Das Rate-Limit von Okta für das System Log ist gerade ausgeschöpft (%1).</translation>
    </message>
    <message numerus="yes">
        <source>Try again in %n second(s). Other clients use the same limit.</source>
        <translation>
            <numerusform>Versuchen Sie es in %n Sekunde erneut. Andere Clients nutzen dasselbe Limit.</numerusform>
            <numerusform>Versuchen Sie es in %n Sekunden erneut. Andere Clients nutzen dasselbe Limit.</numerusform>
        </translation>
    </message>
    <message>
        <source>Try again in a minute. Other clients use the same limit.</source>
        <translation>Versuchen Sie es in einer Minute erneut. Andere Clients nutzen dasselbe Limit.</translation>
    </message>
    <message>
        <source>Okta answered %1.</source>
        <translation>Okta antwortete: %1.</translation>
    </message>
    <message>
        <source>Try again; if it persists, check Okta&apos;s status page.</source>
        <translation>Versuchen Sie es erneut; falls das Problem bleibt, prüfen Sie die Statusseite von Okta.</translation>
    </message>
    <message>
        <source>Scopes: none (an API token acts with its creator&apos;s admin role).</source>
        <translation>Scopes: keine (ein API-Token handelt mit der Admin-Rolle seines Erstellers).</translation>
    </message>
    <message>
        <source>Scopes granted: none reported by Okta.</source>
        <translation>Gewährte Scopes: Okta meldet keine.</translation>
    </message>
    <message>
        <source>Scopes granted: %1.</source>
        <translation>Gewährte Scopes: %1.</translation>
    </message>
    <message>
        <source>The System Log has no event from the last 7 days (Okta&apos;s default window); Vigil will read new ones as they arrive.</source>
        <translation>Das System Log enthält kein Ereignis aus den letzten 7 Tagen (Oktas Standardzeitraum); Vigil liest neue, sobald sie eintreffen.</translation>
    </message>
</context>
<context>
    <name>OrgPage</name>
    <message>
        <source>Your Okta org</source>
        <translation>Ihre Okta-Org</translation>
    </message>
    <message>
        <source>Vigil reads the System Log with a credential of its own. The secret goes to the system keychain, never to a settings file.</source>
        <translation>Vigil liest das System Log mit eigenen Zugangsdaten. Das Geheimnis kommt in den System-Schlüsselbund, nie in eine Einstellungsdatei.</translation>
    </message>
    <message>
        <source>https://acme.okta.com</source>
        <translation>https://acme.okta.com</translation>
    </message>
    <message>
        <source>API token (SSWS)</source>
        <translation>API-Token (SSWS)</translation>
    </message>
    <message>
        <source>OAuth 2.0 service app (private key JWT)</source>
        <translation>OAuth-2.0-Service-App (Private Key JWT)</translation>
    </message>
    <message>
        <source>0oa…</source>
        <translation>0oa…</translation>
    </message>
    <message>
        <source>optional, when the app has several keys</source>
        <translation>optional, wenn die App mehrere Schlüssel hat</translation>
    </message>
    <message>
        <source>Org &amp;URL:</source>
        <translation>Org-&amp;URL:</translation>
    </message>
    <message>
        <source>&amp;Sign in with:</source>
        <translation>&amp;Anmelden mit:</translation>
    </message>
    <message>
        <source>API &amp;token:</source>
        <translation>API-&amp;Token:</translation>
    </message>
    <message>
        <source>Admin Console → Security → API → Tokens. Create it while signed in as a Read-only Administrator: an API token acts with the role of the admin who created it.</source>
        <translation>Admin Console → Security → API → Tokens. Erstellen Sie es, während Sie als Read-only Administrator angemeldet sind: Ein API-Token handelt mit der Rolle des Admins, der es erstellt hat.</translation>
    </message>
    <message>
        <source>&amp;Load from file…</source>
        <translation>Aus &amp;Datei laden…</translation>
    </message>
    <message>
        <source>&amp;Client ID:</source>
        <translation>&amp;Client-ID:</translation>
    </message>
    <message>
        <source>&amp;Key ID (kid):</source>
        <translation>&amp;Key-ID (kid):</translation>
    </message>
    <message>
        <source>Admin Console → Applications → Create App Integration → API Services. Use public key / private key client authentication, grant okta.logs.read and okta.users.read on the Okta API Scopes tab, and assign the app the Read-only Administrator role.</source>
        <translation>Admin Console → Applications → Create App Integration → API Services. Verwenden Sie die Client-Authentifizierung per Public Key / Private Key, gewähren Sie okta.logs.read und okta.users.read auf der Registerkarte Okta API Scopes und weisen Sie der App die Rolle Read-only Administrator zu.</translation>
    </message>
    <message>
        <source>The service app&apos;s private key</source>
        <translation>Privater Schlüssel der Service-App</translation>
    </message>
    <message>
        <source>PEM files (*.pem *.key);;All files (*)</source>
        <translation>PEM-Dateien (*.pem *.key);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Cannot read %1.</source>
        <translation>%1 kann nicht gelesen werden.</translation>
    </message>
    <message>
        <source>No key loaded</source>
        <translation>Kein Schlüssel geladen</translation>
    </message>
    <message>
        <source>&amp;Paste</source>
        <translation>&amp;Einfügen</translation>
    </message>
    <message>
        <source>Use the private key (PEM) on the clipboard</source>
        <translation>Privaten Schlüssel (PEM) aus der Zwischenablage verwenden</translation>
    </message>
    <message>
        <source>Private key (PEM):</source>
        <translation>Privater Schlüssel (PEM):</translation>
    </message>
    <message>
        <source>That is not a private key in PEM form (-----BEGIN PRIVATE KEY-----).</source>
        <translation>Das ist kein privater Schlüssel im PEM-Format (-----BEGIN PRIVATE KEY-----).</translation>
    </message>
    <message numerus="yes">
        <source>Private key loaded (%n bytes)</source>
        <extracomment>The key itself is never shown; only that one is loaded and its size.</extracomment>
        <translation>
            <numerusform>Privater Schlüssel geladen (%n Byte)</numerusform>
            <numerusform>Privater Schlüssel geladen (%n Bytes)</numerusform>
        </translation>
    </message>
    <message>
        <source>Private key stored in the keychain</source>
        <translation>Privater Schlüssel im Schlüsselbund gespeichert</translation>
    </message>
</context>
<context>
    <name>Outbox</name>
    <message>
        <source>no service named &apos;%1&apos; is configured</source>
        <translation>kein Dienst namens &apos;%1&apos; konfiguriert</translation>
    </message>
</context>
<context>
    <name>Policy</name>
    <message>
        <source>%1: unknown key</source>
        <translation>%1: unbekannter Schlüssel</translation>
    </message>
    <message>
        <source>%1: must be %2, not %3</source>
        <translation>%1: muss %2 sein, nicht %3</translation>
    </message>
    <message>
        <source>%1: no range is defined for this number</source>
        <translation>%1: für diese Zahl ist kein Bereich definiert</translation>
    </message>
    <message>
        <source>%1: %2 is outside %3 to %4</source>
        <translation>%1: %2 liegt außerhalb von %3 bis %4</translation>
    </message>
    <message>
        <source>%1: must be a whole number, not %2</source>
        <translation>%1: muss eine ganze Zahl sein, nicht %2</translation>
    </message>
    <message>
        <source>%1[%2]: must be %3</source>
        <translation>%1[%2]: muss %3 sein</translation>
    </message>
    <message>
        <source>an AS number</source>
        <translation>eine AS-Nummer</translation>
    </message>
    <message>
        <source>a non-empty string</source>
        <translation>ein nicht leerer String</translation>
    </message>
    <message>
        <source>%1[%2]: &apos;%3&apos; is not a detection (%4)</source>
        <translation>%1[%2]: &apos;%3&apos; ist keine Erkennung (%4)</translation>
    </message>
    <message>
        <source>%1[%2]: &apos;%3&apos; is not one of %4</source>
        <translation>%1[%2]: &apos;%3&apos; ist keiner der Werte %4</translation>
    </message>
    <message>
        <source>severity: bands must rise from low to critical (low %1 &lt; medium %2 &lt; high %3 &lt; critical %4)</source>
        <translation>severity: die Stufen müssen von low bis critical ansteigen (low %1 &lt; medium %2 &lt; high %3 &lt; critical %4)</translation>
    </message>
    <message>
        <source>business_hours: start_hour must come before end_hour</source>
        <translation>business_hours: start_hour muss vor end_hour liegen</translation>
    </message>
    <message>
        <source>response.mode: must be &quot;monitor&quot; or &quot;enforce&quot;, not &quot;%1&quot;</source>
        <translation>response.mode: muss &quot;monitor&quot; oder &quot;enforce&quot; sein, nicht &quot;%1&quot;</translation>
    </message>
    <message>
        <source>response.page_critical_at: must not be below response.page_at</source>
        <translation>response.page_critical_at: darf nicht unter response.page_at liegen</translation>
    </message>
    <message>
        <source>not valid JSON at offset %1: %2</source>
        <translation>kein gültiges JSON an Offset %1: %2</translation>
    </message>
    <message>
        <source>the policy must be a JSON object</source>
        <translation>die Richtlinie muss ein JSON-Objekt sein</translation>
    </message>
    <message>
        <source>schema_version: this Vigil reads policy version 1</source>
        <translation>schema_version: diese Vigil-Version liest Richtlinienversion 1</translation>
    </message>
    <message>
        <source>cannot read %1: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
</context>
<context>
    <name>PolicyCommand</name>
    <message>
        <source>Checks a risk policy file, or prints the default policy.</source>
        <translation>Prüft eine Risikorichtliniendatei oder gibt die Standardrichtlinie aus.</translation>
    </message>
    <message>
        <source>Show this help.</source>
        <translation>Diese Hilfe anzeigen.</translation>
    </message>
    <message>
        <source>&apos;check FILE&apos; or &apos;defaults&apos;.</source>
        <translation>&apos;check DATEI&apos; oder &apos;defaults&apos;.</translation>
    </message>
    <message>
        <source>vigil policy: %1

</source>
        <translation>vigil policy: %1

</translation>
    </message>
    <message>
        <source>expected &apos;check FILE&apos; or &apos;defaults&apos;</source>
        <translation>&apos;check DATEI&apos; oder &apos;defaults&apos; erwartet</translation>
    </message>
    <message>
        <source>%1: valid policy
</source>
        <translation>%1: gültige Richtlinie
</translation>
    </message>
    <message numerus="yes">
        <source>%1: %n problem(s), policy not valid
</source>
        <translation>
            <numerusform>%1: %n Problem, Richtlinie ungültig
</numerusform>
            <numerusform>%1: %n Probleme, Richtlinie ungültig
</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PolicyForm</name>
    <message>
        <source>Thresholds</source>
        <translation>Schwellenwerte</translation>
    </message>
    <message>
        <source>Open an alert at risk</source>
        <translation>Alarm öffnen ab Risiko</translation>
    </message>
    <message>
        <source>scoring.alert_threshold: a user&apos;s alert opens when their risk reaches this score</source>
        <translation>scoring.alert_threshold: ein Alarm für den Benutzer wird geöffnet, sobald sein Risiko diesen Wert erreicht</translation>
    </message>
    <message>
        <source>Step up at risk</source>
        <translation>Step-up ab Risiko</translation>
    </message>
    <message>
        <source>response.step_up_at: challenge the user (sessions cleared, Okta Verify push)</source>
        <translation>response.step_up_at: Benutzer erneut prüfen (Sitzungen beendet, Okta-Verify-Push)</translation>
    </message>
    <message>
        <source>Page at risk</source>
        <translation>Alarmierung ab Risiko</translation>
    </message>
    <message>
        <source>response.page_at: page the on-call analyst and start the suspension countdown</source>
        <translation>response.page_at: Analysten in Rufbereitschaft alarmieren und Countdown für die Sperrung starten</translation>
    </message>
    <message>
        <source>Critical page at risk</source>
        <translation>Kritische Alarmierung ab Risiko</translation>
    </message>
    <message>
        <source>response.page_critical_at: the page has critical severity</source>
        <translation>response.page_critical_at: die Alarmierung hat den Schweregrad kritisch</translation>
    </message>
    <message>
        <source>Auto-suspend after</source>
        <translation>Automatisch sperren nach</translation>
    </message>
    <message>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <source>response.auto_suspend_delay_minutes: how long after the page the safety net decides (5 to 60)</source>
        <translation>response.auto_suspend_delay_minutes: wie lange nach der Alarmierung das Sicherheitsnetz entscheidet (5 bis 60)</translation>
    </message>
    <message>
        <source>Severity bands (risk at least)</source>
        <translation>Schweregrade (Risiko mindestens)</translation>
    </message>
    <message>
        <source>Critical</source>
        <translation>Kritisch</translation>
    </message>
    <message>
        <source>High</source>
        <translation>Hoch</translation>
    </message>
    <message>
        <source>Medium</source>
        <translation>Mittel</translation>
    </message>
    <message>
        <source>Low</source>
        <translation>Niedrig</translation>
    </message>
    <message>
        <source>Places and networks</source>
        <translation>Orte und Netzwerke</translation>
    </message>
    <message>
        <source>Allowed countries</source>
        <translation>Zulässige Länder</translation>
    </message>
    <message>
        <source>empty: every country (e.g. US, Canada)</source>
        <translation>leer: alle Länder (z. B. US, Canada)</translation>
    </message>
    <message>
        <source>detections.geo_risk.allowed_countries: sign-ins from elsewhere score geo_risk; names or ISO codes, separated by commas</source>
        <translation>detections.geo_risk.allowed_countries: Anmeldungen von anderswo zählen für geo_risk; Namen oder ISO-Codes, durch Kommas getrennt</translation>
    </message>
    <message>
        <source>High-risk countries</source>
        <translation>Hochrisikoländer</translation>
    </message>
    <message>
        <source>e.g. KP, IR</source>
        <translation>z. B. KP, IR</translation>
    </message>
    <message>
        <source>detections.geo_risk.high_risk_countries: sign-ins from these always score geo_risk</source>
        <translation>detections.geo_risk.high_risk_countries: Anmeldungen aus diesen Ländern zählen immer für geo_risk</translation>
    </message>
    <message>
        <source>Anonymizer ASNs</source>
        <translation>ASNs von Anonymisierungsdiensten</translation>
    </message>
    <message>
        <source>AS numbers, e.g. 9009, 60068</source>
        <translation>AS-Nummern, z. B. 9009, 60068</translation>
    </message>
    <message>
        <source>detections.anonymizer.asns: networks of VPN and proxy services</source>
        <translation>detections.anonymizer.asns: Netzwerke von VPN- und Proxy-Diensten</translation>
    </message>
    <message>
        <source>Points per detection</source>
        <translation>Punkte pro Erkennung</translation>
    </message>
    <message>
        <source>Brute force</source>
        <translation>Brute Force</translation>
    </message>
    <message>
        <source>Password spray</source>
        <translation>Password Spraying</translation>
    </message>
    <message>
        <source>MFA fatigue</source>
        <translation>MFA-Fatigue</translation>
    </message>
    <message>
        <source>MFA failure</source>
        <translation>MFA-Fehlschlag</translation>
    </message>
    <message>
        <source>Risky country</source>
        <translation>Risikoland</translation>
    </message>
    <message>
        <source>Anonymizer</source>
        <translation>Anonymisierungsdienst</translation>
    </message>
    <message>
        <source>Off hours</source>
        <translation>Randzeit</translation>
    </message>
    <message>
        <source>New device</source>
        <translation>Neues Gerät</translation>
    </message>
    <message>
        <source>Impossible travel</source>
        <translation>Unmöglicher Ortswechsel</translation>
    </message>
    <message>
        <source>ThreatInsight</source>
        <translation>ThreatInsight</translation>
    </message>
    <message>
        <source>Session hijack</source>
        <translation>Session-Hijacking</translation>
    </message>
    <message>
        <source>Factor reset</source>
        <translation>Faktor-Reset</translation>
    </message>
    <message>
        <source>Privilege grant</source>
        <translation>Rechtevergabe</translation>
    </message>
    <message>
        <source>Protected accounts</source>
        <translation>Geschützte Konten</translation>
    </message>
    <message>
        <source>Accounts</source>
        <translation>Konten</translation>
    </message>
    <message>
        <source>logins, e.g. breakglass@acme.com, svc-backup@acme.com</source>
        <translation>Logins, z. B. breakglass@acme.com, svc-backup@acme.com</translation>
    </message>
    <message>
        <source>protected_accounts: Okta logins the automation never suspends (break-glass admins, service accounts)</source>
        <translation>protected_accounts: Okta-Logins, die die Automatisierung nie sperrt (Break-Glass-Admins, Dienstkonten)</translation>
    </message>
    <message>
        <source>Groups</source>
        <translation>Gruppen</translation>
    </message>
    <message>
        <source>Okta group ids, e.g. 00g1abcd…</source>
        <translation>Okta-Gruppen-IDs, z. B. 00g1abcd…</translation>
    </message>
    <message>
        <source>response.protected_groups: members of these Okta groups are paged, never suspended automatically</source>
        <translation>response.protected_groups: Mitglieder dieser Okta-Gruppen werden alarmiert, aber nie automatisch gesperrt</translation>
    </message>
    <message>
        <source>Never suspend Okta administrators automatically</source>
        <translation>Okta-Administratoren nie automatisch sperren</translation>
    </message>
    <message>
        <source>response.protect_okta_admins: users holding an Okta admin role (needs okta.roles.read)</source>
        <translation>response.protect_okta_admins: Benutzer mit einer Okta-Admin-Rolle (erfordert okta.roles.read)</translation>
    </message>
</context>
<context>
    <name>PolicyPreview</name>
    <message>
        <source>the preview was cancelled</source>
        <translation>die Vorschau wurde abgebrochen</translation>
    </message>
    <message>
        <source>the stored events could not be read</source>
        <translation>die gespeicherten Ereignisse konnten nicht gelesen werden</translation>
    </message>
</context>
<context>
    <name>PolicyPreviewDialog</name>
    <message>
        <source>Policy preview</source>
        <translation>Richtlinienvorschau</translation>
    </message>
    <message>
        <source>Thresholds</source>
        <translation>Schwellenwerte</translation>
    </message>
    <message>
        <source>Edit JSON</source>
        <translation>JSON bearbeiten</translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation>Letzte 24 Stunden</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>Letzte 7 Tage</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>Letzte 30 Tage</translation>
    </message>
    <message>
        <source>All stored history</source>
        <translation>Gesamter gespeicherter Verlauf</translation>
    </message>
    <message>
        <source>Stored events replayed, ending with the newest</source>
        <translation>Abgespielte gespeicherte Ereignisse, bis zum neuesten</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>Vorschau</translation>
    </message>
    <message>
        <source>Cancel preview</source>
        <translation>Vorschau abbrechen</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>Bereit</translation>
    </message>
    <message>
        <source>Replay</source>
        <translation>Wiedergabe</translation>
    </message>
    <message>
        <source>Change a threshold, then Preview to see who it would have affected.</source>
        <translation>Ändern Sie einen Schwellenwert und klicken Sie auf Vorschau, um zu sehen, wen das betroffen hätte.</translation>
    </message>
    <message>
        <source>Only users whose actions change</source>
        <translation>Nur Benutzer mit geänderten Aktionen</translation>
    </message>
    <message>
        <source>Save policy</source>
        <translation>Richtlinie speichern</translation>
    </message>
    <message>
        <source>Write the proposed policy to %1</source>
        <translation>Vorgeschlagene Richtlinie nach %1 schreiben</translation>
    </message>
    <message>
        <source>Back to the current policy</source>
        <translation>Zurück zur aktuellen Richtlinie</translation>
    </message>
    <message>
        <source>Last %1 days</source>
        <translation>Letzte %1 Tage</translation>
    </message>
    <message>
        <source>✖ Cannot preview or save: %1</source>
        <translation>✖ Vorschau oder Speichern nicht möglich: %1</translation>
    </message>
    <message>
        <source> (and %1 more)</source>
        <translation> (und %1 weitere)</translation>
    </message>
    <message>
        <source>. Fix it in the Edit JSON tab.</source>
        <translation>. Beheben Sie das auf der Registerkarte „JSON bearbeiten“.</translation>
    </message>
    <message>
        <source>⚠ The policy changed since this preview: Preview again. </source>
        <translation>⚠ Die Richtlinie wurde seit dieser Vorschau geändert: Vorschau erneut ausführen. </translation>
    </message>
    <message>
        <source>The policy has errors: %1</source>
        <translation>Die Richtlinie enthält Fehler: %1</translation>
    </message>
    <message>
        <source>Replay the stored history under the current and the proposed policy</source>
        <translation>Gespeicherten Verlauf mit der aktuellen und der vorgeschlagenen Richtlinie abspielen</translation>
    </message>
    <message>
        <source>Replaying… %p%</source>
        <translation>Wird abgespielt… %p%</translation>
    </message>
    <message>
        <source>Replaying… %p% · %1 events</source>
        <translation>Wird abgespielt… %p% · %1 Ereignisse</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Wird abgebrochen…</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <source>Preview cancelled.</source>
        <translation>Vorschau abgebrochen.</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>The preview failed: %1</source>
        <translation>Die Vorschau ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <source>No stored events to replay.</source>
        <translation>Keine gespeicherten Ereignisse zum Abspielen.</translation>
    </message>
    <message>
        <source>%1 users change of %2 with an alert or an action · now %3 stepped up, %4 paged, %5 suspended (proposed: %6, %7, %8) · %9 events from %10 to %11 replayed in %12 s</source>
        <translation>%1 von %2 Benutzern mit Alarm oder Aktion ändern sich · jetzt %3 mit Step-up, %4 mit Alarmierung, %5 gesperrt (vorgeschlagen: %6, %7, %8) · %9 Ereignisse von %10 bis %11 in %12 s abgespielt</translation>
    </message>
    <message>
        <source>✖ Could not save the policy to %1: %2</source>
        <translation>✖ Richtlinie konnte nicht nach %1 gespeichert werden: %2</translation>
    </message>
</context>
<context>
    <name>PreviewResultModel</name>
    <message>
        <source>step-up</source>
        <translation>Step-up</translation>
    </message>
    <message>
        <source>page</source>
        <translation>Alarmierung</translation>
    </message>
    <message>
        <source>suspend</source>
        <translation>Sperrung</translation>
    </message>
    <message>
        <source>alert only</source>
        <translation>nur Alarm</translation>
    </message>
    <message>
        <source>nothing</source>
        <translation>nichts</translation>
    </message>
    <message>
        <source>Newly affected</source>
        <translation>Neu betroffen</translation>
    </message>
    <message>
        <source>No longer affected</source>
        <translation>Nicht mehr betroffen</translation>
    </message>
    <message>
        <source>Different actions</source>
        <translation>Andere Aktionen</translation>
    </message>
    <message>
        <source>Same</source>
        <translation>Gleich</translation>
    </message>
    <message>
        <source>1 user suspended</source>
        <translation>1 Benutzer gesperrt</translation>
    </message>
    <message>
        <source>%1 users suspended</source>
        <translation>%1 Benutzer gesperrt</translation>
    </message>
    <message>
        <source>1 user paged</source>
        <translation>1 Benutzer mit Alarmierung</translation>
    </message>
    <message>
        <source>%1 users paged</source>
        <translation>%1 Benutzer mit Alarmierung</translation>
    </message>
    <message>
        <source>1 user stepped up</source>
        <translation>1 Benutzer mit Step-up</translation>
    </message>
    <message>
        <source>%1 users stepped up</source>
        <translation>%1 Benutzer mit Step-up</translation>
    </message>
    <message>
        <source>No change: the same users would have been stepped up, paged and suspended.</source>
        <translation>Keine Änderung: Dieselben Benutzer hätten Step-up, Alarmierung und Sperrung erhalten.</translation>
    </message>
    <message>
        <source>%1 → %2</source>
        <translation>%1 → %2</translation>
    </message>
    <message>
        <source>No action</source>
        <translation>Keine Aktion</translation>
    </message>
    <message>
        <source>Severity: %1 → %2. Detections: %3</source>
        <translation>Schweregrad: %1 → %2. Erkennungen: %3</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Änderung</translation>
    </message>
    <message>
        <source>Current policy</source>
        <translation>Aktuelle Richtlinie</translation>
    </message>
    <message>
        <source>Proposed policy</source>
        <translation>Vorgeschlagene Richtlinie</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>Alarme</translation>
    </message>
    <message>
        <source>Peak risk</source>
        <translation>Spitzenrisiko</translation>
    </message>
</context>
<context>
    <name>QueueText</name>
    <message>
        <source>Detected</source>
        <translation>Erkannt</translation>
    </message>
    <message>
        <source>Stepped up</source>
        <translation>Step-up ausgelöst</translation>
    </message>
    <message>
        <source>Paged</source>
        <translation>Alarmiert</translation>
    </message>
    <message>
        <source>Suspension pending</source>
        <translation>Sperrung ausstehend</translation>
    </message>
    <message>
        <source>Suspension recommended</source>
        <translation>Sperrung empfohlen</translation>
    </message>
    <message>
        <source>Acknowledged</source>
        <translation>Bestätigt</translation>
    </message>
    <message>
        <source>Overridden</source>
        <translation>Übersteuert</translation>
    </message>
    <message>
        <source>Suspended</source>
        <translation>Gesperrt</translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation>Erledigt</translation>
    </message>
    <message>
        <source>False positive</source>
        <translation>Fehlalarm</translation>
    </message>
    <message>
        <source>push sent</source>
        <translation>Push gesendet</translation>
    </message>
    <message>
        <source>push rejected</source>
        <translation>Push abgelehnt</translation>
    </message>
    <message>
        <source>no answer</source>
        <translation>keine Antwort</translation>
    </message>
    <message>
        <source>push approved</source>
        <translation>Push angenommen</translation>
    </message>
    <message>
        <source>push failed</source>
        <translation>Push fehlgeschlagen</translation>
    </message>
    <message>
        <source>no push factor</source>
        <translation>kein Push-Faktor</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <extracomment>A state, then what the step-up MFA push did: &quot;Stepped up · push rejected&quot;.</extracomment>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>brute force</source>
        <extracomment>Short chip labels for detections in the alert queue.</extracomment>
        <translation>Brute Force</translation>
    </message>
    <message>
        <source>spray</source>
        <translation>Spray</translation>
    </message>
    <message>
        <source>MFA fatigue</source>
        <translation>MFA-Fatigue</translation>
    </message>
    <message>
        <source>MFA failed</source>
        <translation>MFA fehlgeschlagen</translation>
    </message>
    <message>
        <source>session hijack</source>
        <translation>Session-Hijacking</translation>
    </message>
    <message>
        <source>privilege</source>
        <translation>Privilegien</translation>
    </message>
    <message>
        <source>off hours</source>
        <translation>Randzeit</translation>
    </message>
    <message>
        <source>new device</source>
        <translation>neues Gerät</translation>
    </message>
    <message>
        <source>impossible travel</source>
        <translation>unmöglicher Ortswechsel</translation>
    </message>
    <message>
        <source>risky country</source>
        <translation>Risikoland</translation>
    </message>
    <message>
        <source>factor reset</source>
        <translation>Faktor-Reset</translation>
    </message>
    <message>
        <source>Tor/VPN</source>
        <translation>Tor/VPN</translation>
    </message>
    <message>
        <source>ThreatInsight</source>
        <translation>ThreatInsight</translation>
    </message>
    <message>
        <source>now</source>
        <translation>jetzt</translation>
    </message>
    <message>
        <source>in 1 second</source>
        <translation>in 1 Sekunde</translation>
    </message>
    <message>
        <source>in %1 seconds</source>
        <translation>in %1 Sekunden</translation>
    </message>
    <message>
        <source>1 minute</source>
        <translation>1 Minute</translation>
    </message>
    <message>
        <source>%1 minutes</source>
        <translation>%1 Minuten</translation>
    </message>
    <message>
        <source>1 second</source>
        <translation>1 Sekunde</translation>
    </message>
    <message>
        <source>%1 seconds</source>
        <translation>%1 Sekunden</translation>
    </message>
    <message>
        <source>in %1 %2</source>
        <extracomment>&quot;in 11 minutes 42 seconds&quot;</extracomment>
        <translation>in %1 %2</translation>
    </message>
    <message>
        <source>just now</source>
        <translation>gerade eben</translation>
    </message>
    <message>
        <source>%1 min ago</source>
        <translation>vor %1 min</translation>
    </message>
    <message>
        <source>%1 h ago</source>
        <translation>vor %1 h</translation>
    </message>
    <message>
        <source>1 day ago</source>
        <translation>vor 1 Tag</translation>
    </message>
    <message>
        <source>%1 days ago</source>
        <translation>vor %1 Tagen</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>1 more</source>
        <translation>1 weiterer</translation>
    </message>
    <message>
        <source>%1 more</source>
        <translation>%1 weitere</translation>
    </message>
</context>
<context>
    <name>ReplayCommand</name>
    <message>
        <source>Reads Okta LogEvents (NDJSON, a JSON array, or an Event Hook payload), processes them in &apos;published&apos; order through the same pipeline as the live console with every response action in dry-run, and writes a JSON report. Rejected records are listed on stderr with their line number and never stop the run.</source>
        <translation>Liest Okta-LogEvents (NDJSON, ein JSON-Array oder eine Event-Hook-Nutzlast), verarbeitet sie in der Reihenfolge von &apos;published&apos; durch dieselbe Pipeline wie die Live-Konsole, jede Reaktionsmaßnahme als Probelauf, und schreibt einen JSON-Bericht. Abgelehnte Datensätze werden mit Zeilennummer auf stderr aufgeführt und brechen den Lauf nie ab.</translation>
    </message>
    <message>
        <source>Show this help.</source>
        <translation>Diese Hilfe anzeigen.</translation>
    </message>
    <message>
        <source>An input file (&apos;-&apos; for standard input); repeatable.</source>
        <translation>Eine Eingabedatei (&apos;-&apos; für die Standardeingabe); mehrfach angebbar.</translation>
    </message>
    <message>
        <source>FILE</source>
        <translation>DATEI</translation>
    </message>
    <message>
        <source>Where to write the JSON report (&apos;-&apos; for standard output, the default).</source>
        <translation>Ziel des JSON-Berichts (&apos;-&apos; für die Standardausgabe, die Vorgabe).</translation>
    </message>
    <message>
        <source>The risk policy to apply (default: the built-in one; see &apos;vigil policy&apos;).</source>
        <translation>Die anzuwendende Risikorichtlinie (Standard: die eingebaute; siehe &apos;vigil policy&apos;).</translation>
    </message>
    <message>
        <source>vigil replay: %1

</source>
        <translation>vigil replay: %1

</translation>
    </message>
    <message>
        <source>unexpected argument &apos;%1&apos; (inputs are given with --input)</source>
        <translation>unerwartetes Argument &apos;%1&apos; (Eingaben werden mit --input angegeben)</translation>
    </message>
    <message>
        <source>at least one --input FILE is required</source>
        <translation>mindestens ein --input DATEI ist erforderlich</translation>
    </message>
    <message>
        <source>vigil replay: %1:%2: rejected: %3
</source>
        <translation>vigil replay: %1:%2: abgelehnt: %3
</translation>
    </message>
    <message>
        <source>vigil replay: %1
</source>
        <translation>vigil replay: %1
</translation>
    </message>
    <message>
        <source>vigil replay: no input could be read
</source>
        <translation>vigil replay: keine Eingabe konnte gelesen werden
</translation>
    </message>
    <message>
        <source>vigil replay: %1 read, %2 accepted, %3 rejected, %4 duplicates
</source>
        <translation>vigil replay: %1 gelesen, %2 angenommen, %3 abgelehnt, %4 Duplikate
</translation>
    </message>
</context>
<context>
    <name>ReportCommand</name>
    <message>
        <source>Writes the same JSON report as &apos;vigil replay&apos;, built from the events a live run (&apos;vigil serve&apos; or the console) stored in DIR.</source>
        <translation>Schreibt denselben JSON-Bericht wie &apos;vigil replay&apos;, erstellt aus den Ereignissen, die ein Live-Lauf (&apos;vigil serve&apos; oder die Konsole) in VERZ gespeichert hat.</translation>
    </message>
    <message>
        <source>Show this help.</source>
        <translation>Diese Hilfe anzeigen.</translation>
    </message>
    <message>
        <source>The folder holding Vigil&apos;s database.</source>
        <translation>Der Ordner mit der Vigil-Datenbank.</translation>
    </message>
    <message>
        <source>DIR</source>
        <translation>VERZ</translation>
    </message>
    <message>
        <source>Where to write the JSON report (&apos;-&apos; for standard output, the default).</source>
        <translation>Ziel des JSON-Berichts (&apos;-&apos; für die Standardausgabe, die Vorgabe).</translation>
    </message>
    <message>
        <source>FILE</source>
        <translation>DATEI</translation>
    </message>
    <message>
        <source>The risk policy to apply.</source>
        <translation>Die anzuwendende Risikorichtlinie.</translation>
    </message>
    <message>
        <source>--data-dir DIR is required</source>
        <translation>--data-dir VERZ ist erforderlich</translation>
    </message>
    <message>
        <source>vigil report: no Vigil database in %1
</source>
        <translation>vigil report: keine Vigil-Datenbank in %1
</translation>
    </message>
    <message>
        <source>vigil report: %1
</source>
        <translation>vigil report: %1
</translation>
    </message>
    <message>
        <source>vigil report: %1 stored events, %2 alerts
</source>
        <translation>vigil report: %1 gespeicherte Ereignisse, %2 Alarme
</translation>
    </message>
</context>
<context>
    <name>Response</name>
    <message>
        <source>no PagerDuty routing key is configured</source>
        <translation>kein PagerDuty-Routing-Key konfiguriert</translation>
    </message>
    <message>
        <source>Jira needs a project key and an API token</source>
        <translation>Jira braucht einen Projektschlüssel und ein API-Token</translation>
    </message>
</context>
<context>
    <name>ResponseEngine</name>
    <message>
        <source>automation in %1 mode; %2 responses restored%3</source>
        <translation>Automatisierung im Modus %1; %2 Reaktionen wiederhergestellt%3</translation>
    </message>
    <message>
        <source>, circuit breaker open</source>
        <translation>, Circuit Breaker offen</translation>
    </message>
    <message>
        <source>%1 by %2 on %3 (%4): %5</source>
        <translation>%1 durch %2 für %3 (%4): %5</translation>
    </message>
    <message>
        <source>alert for %1 suppressed until %2 (owner %3)</source>
        <translation>Alarm für %1 unterdrückt bis %2 (verantwortlich: %3)</translation>
    </message>
    <message>
        <source>paged on-call for %1 (risk %2); suspension decision at %3</source>
        <translation>Rufbereitschaft für %1 alarmiert (Risiko %2); Sperrentscheidung um %3</translation>
    </message>
    <message>
        <source>step-up for %1: %2</source>
        <translation>Step-up für %1: %2</translation>
    </message>
    <message>
        <source>nothing configured</source>
        <translation>nichts konfiguriert</translation>
    </message>
    <message>
        <source>Vigil: %1 risk %2 (%3) for %4: %5</source>
        <translation>Vigil: %1, Risiko %2 (%3) für %4: %5</translation>
    </message>
    <message>
        <source>at the deadline unless acknowledged</source>
        <translation>bei Fristablauf, sofern nicht bestätigt</translation>
    </message>
    <message>
        <source>monitor mode: recommended only</source>
        <translation>Überwachungsmodus: nur empfohlen</translation>
    </message>
    <message>
        <source>Acknowledge in Vigil or PagerDuty to stop the countdown</source>
        <translation>Bestätigen Sie in Vigil oder PagerDuty, um den Countdown zu stoppen</translation>
    </message>
    <message>
        <source>Call the user on a known number to confirm the sign-ins</source>
        <translation>Rufen Sie den Benutzer unter einer bekannten Nummer an, um die Anmeldungen zu bestätigen</translation>
    </message>
    <message>
        <source>Suspend now in Vigil if the activity is not theirs</source>
        <translation>Sperren Sie sofort in Vigil, falls die Aktivität nicht vom Benutzer stammt</translation>
    </message>
    <message>
        <source>not read from Okta (%1)</source>
        <translation>nicht aus Okta gelesen (%1)</translation>
    </message>
    <message>
        <source>User in the Okta admin console</source>
        <translation>Benutzer in der Okta Admin Console</translation>
    </message>
    <message>
        <source>Alert in Vigil</source>
        <translation>Alarm in Vigil</translation>
    </message>
    <message>
        <source>cannot read protected accounts (%1): %2; the previous list stays</source>
        <translation>geschützte Konten können nicht gelesen werden (%1): %2; die bisherige Liste bleibt gültig</translation>
    </message>
    <message>
        <source>not suspended: the challenge was passed (%1) and nothing more came from %2</source>
        <translation>nicht gesperrt: die Prüfung wurde bestanden (%1), und von %2 kam nichts mehr</translation>
    </message>
    <message>
        <source>not suspended: %1 is a protected account; the on-call analyst must decide</source>
        <translation>nicht gesperrt: %1 ist ein geschütztes Konto; der Analyst in Rufbereitschaft muss entscheiden</translation>
    </message>
    <message>
        <source>not suspended: the circuit breaker is open (step-up only until an analyst resumes)</source>
        <translation>nicht gesperrt: der Circuit Breaker ist offen (nur Step-up, bis ein Analyst die Automatisierung fortsetzt)</translation>
    </message>
    <message>
        <source>would suspend (monitor mode): step-up %1, activity continued: %2</source>
        <translation>würde sperren (Überwachungsmodus): Step-up %1, Aktivität fortgesetzt: %2</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <source>no</source>
        <translation>nein</translation>
    </message>
    <message>
        <source>suspended: not acknowledged; step-up %1; activity continued: %2</source>
        <translation>gesperrt: nicht bestätigt; Step-up %1; Aktivität fortgesetzt: %2</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source> (already suspended by %1: no second call)</source>
        <translation> (bereits durch %1 gesperrt: kein zweiter Aufruf)</translation>
    </message>
    <message>
        <source>suspending %1 (%2): %3</source>
        <translation>%1 wird gesperrt (%2): %3</translation>
    </message>
    <message>
        <source>Vigil suspended %1: %2</source>
        <translation>Vigil hat %1 gesperrt: %2</translation>
    </message>
    <message>
        <source>Vigil suspended the Okta account %1. %2</source>
        <translation>Vigil hat das Okta-Konto %1 gesperrt. %2</translation>
    </message>
    <message>
        <source>%1, the account of %2 (%3) was suspended as a precaution after sign-in activity that looked like an attack. The security team is on it and will restore access once it is safe; please reach out to them rather than to the IT help desk.</source>
        <translation>%1, das Konto von %2 (%3) wurde vorsorglich gesperrt, nachdem Anmeldeaktivitäten wie ein Angriff aussahen. Das Sicherheitsteam kümmert sich darum und stellt den Zugang wieder her, sobald es sicher ist; bitte wenden Sie sich an das Sicherheitsteam und nicht an den IT-Helpdesk.</translation>
    </message>
    <message>
        <source>Hello</source>
        <translation>Hallo</translation>
    </message>
    <message>
        <source>Vigil suspended the Okta account %1 (alert %2, %3, peak risk %4).</source>
        <translation>Vigil hat das Okta-Konto %1 gesperrt (Alarm %2, %3, Spitzenrisiko %4).</translation>
    </message>
    <message>
        <source>Decision: %1</source>
        <translation>Entscheidung: %1</translation>
    </message>
    <message>
        <source>Detections: %1</source>
        <translation>Erkennungen: %1</translation>
    </message>
    <message>
        <source>Source IPs: %1</source>
        <translation>Quell-IPs: %1</translation>
    </message>
    <message>
        <source>Step-up challenge: %1</source>
        <translation>Step-up-Prüfung: %1</translation>
    </message>
    <message>
        <source>Person: %1, %2, %3; manager %4</source>
        <translation>Person: %1, %2, %3; Führungskraft %4</translation>
    </message>
    <message>
        <source>To restore access: confirm with the person on a known channel, reset their password and factors, then unsuspend in Vigil (vigil alert unsuspend %1 --reason …).</source>
        <translation>Zugang wiederherstellen: mit der Person über einen bekannten Kanal Rücksprache halten, Passwort und Faktoren zurücksetzen, dann in Vigil entsperren (vigil alert unsuspend %1 --reason …).</translation>
    </message>
    <message>
        <source>Okta account %1 suspended by Vigil (%2)</source>
        <translation>Okta-Konto %1 von Vigil gesperrt (%2)</translation>
    </message>
    <message>
        <source>%1 suppressed alerts for %2 (%3) until %4: %5</source>
        <translation>%1 hat Alarme für %2 (%3) bis %4 unterdrückt: %5</translation>
    </message>
    <message>
        <source>all detections</source>
        <translation>alle Erkennungen</translation>
    </message>
    <message>
        <source>%1 automatic suspensions within an hour</source>
        <translation>%1 automatische Sperrungen innerhalb einer Stunde</translation>
    </message>
    <message>
        <source>one source, %1, is behind alerts of %2 users: a lockout attack must not suspend them all</source>
        <translation>eine einzige Quelle, %1, steht hinter Alarmen von %2 Benutzern: ein Lockout-Angriff darf nicht alle sperren</translation>
    </message>
    <message>
        <source>Vigil automation paused (step-up only): %1</source>
        <translation>Vigil-Automatisierung pausiert (nur Step-up): %1</translation>
    </message>
    <message>
        <source>circuit breaker open: %1</source>
        <translation>Circuit Breaker offen: %1</translation>
    </message>
    <message>
        <source>automation is not paused</source>
        <translation>die Automatisierung ist nicht pausiert</translation>
    </message>
    <message>
        <source>a reason is required to resume automation</source>
        <translation>zum Fortsetzen der Automatisierung ist eine Begründung erforderlich</translation>
    </message>
    <message>
        <source>opened</source>
        <translation>angelegt</translation>
    </message>
    <message>
        <source>ticket %1 opened for %2</source>
        <translation>Ticket %1 für %2 angelegt</translation>
    </message>
    <message>
        <source>opening a ticket for %1 failed: %2</source>
        <translation>Anlegen eines Tickets für %1 fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>step-up push for %1: %2</source>
        <translation>Step-up-Push für %1: %2</translation>
    </message>
    <message>
        <source> — the suspension call failed: %1</source>
        <translation> — der Sperraufruf ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>suspending %1 failed: %2</source>
        <translation>Sperren von %1 fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>%1 is suspended in Okta</source>
        <translation>%1 ist in Okta gesperrt</translation>
    </message>
    <message>
        <source>acknowledged in PagerDuty</source>
        <translation>in PagerDuty bestätigt</translation>
    </message>
    <message>
        <source>no open alert %1</source>
        <translation>kein offener Alarm %1</translation>
    </message>
    <message>
        <source>alert %1 has no pending suspension to override</source>
        <translation>Alarm %1 hat keine ausstehende Sperrung zum Übersteuern</translation>
    </message>
    <message>
        <source>an override needs a reason</source>
        <translation>eine Übersteuerung braucht eine Begründung</translation>
    </message>
    <message>
        <source>%1 is already suspended</source>
        <translation>%1 ist bereits gesperrt</translation>
    </message>
    <message>
        <source>suspension requested by %1 (monitor mode: not sent to Okta)</source>
        <translation>Sperrung von %1 angefordert (Überwachungsmodus: nicht an Okta gesendet)</translation>
    </message>
    <message>
        <source>suspended by %1: %2</source>
        <translation>gesperrt durch %1: %2</translation>
    </message>
    <message>
        <source>alert %1 did not suspend anyone</source>
        <translation>Alarm %1 hat niemanden gesperrt</translation>
    </message>
    <message>
        <source>a false positive needs a reason</source>
        <translation>ein Fehlalarm braucht eine Begründung</translation>
    </message>
    <message>
        <source>no alert %1</source>
        <translation>kein Alarm %1</translation>
    </message>
</context>
<context>
    <name>RiskBoard</name>
    <message>
        <source>Risk board: users by current risk</source>
        <translation>Risikoübersicht: Benutzer nach aktuellem Risiko</translation>
    </message>
    <message numerus="yes">
        <source>RISK BOARD · %n user(s) at risk</source>
        <translation>
            <numerusform>RISIKOÜBERSICHT · %n gefährdeter Benutzer</numerusform>
            <numerusform>RISIKOÜBERSICHT · %n gefährdete Benutzer</numerusform>
        </translation>
    </message>
    <message>
        <source>Nobody is at risk. Vigil is watching %1 users.</source>
        <translation>Niemand ist gefährdet. Vigil überwacht %1 Benutzer.</translation>
    </message>
    <message>
        <source>%1
risk %2 (%3)
%4
last seen at %5</source>
        <translation>%1
Risiko %2 (%3)
%4
zuletzt gesehen: %5</translation>
    </message>
</context>
<context>
    <name>RiskEngine</name>
    <message>
        <source>session begun from %1 (AS%2, %3) reused from %4 (AS%5, %6) %7 min later</source>
        <translation>Sitzung von %1 (AS%2, %3) begonnen und %7 min später von %4 (AS%5, %6) wiederverwendet</translation>
    </message>
    <message>
        <source>signed in at %1:00 local time, outside this user&apos;s usual hours</source>
        <translation>Anmeldung um %1:00 Uhr Ortszeit, außerhalb der üblichen Zeiten dieses Benutzers</translation>
    </message>
    <message>
        <source>signed in at %1:00 local time on %2, outside business hours (no baseline yet)</source>
        <translation>Anmeldung um %1:00 Uhr Ortszeit am %2, außerhalb der Geschäftszeiten (noch keine Baseline)</translation>
    </message>
    <message>
        <source>signed in through an anonymizer from %1 (%2)</source>
        <translation>Anmeldung über einen Anonymisierungsdienst von %1 (%2)</translation>
    </message>
    <message>
        <source>tried to sign in through an anonymizer from %1 (%2)</source>
        <translation>Anmeldeversuch über einen Anonymisierungsdienst von %1 (%2)</translation>
    </message>
    <message>
        <source>%1 failed sign-ins in %2 min, the last from %3 (%4)</source>
        <translation>%1 fehlgeschlagene Anmeldungen in %2 min, die letzte von %3 (%4)</translation>
    </message>
    <message>
        <source>targeted by a password spray from %1 (%2 accounts in %3 min)</source>
        <translation>Ziel eines Password-Spraying-Angriffs von %1 (%2 Konten in %3 min)</translation>
    </message>
    <message>
        <source>%1 pushes sent and %2 rejected in %3 min</source>
        <translation>%1 Pushes gesendet und %2 abgelehnt in %3 min</translation>
    </message>
    <message>
        <source>an MFA push was accepted right after a push burst: the user may have given in</source>
        <translation>ein MFA-Push wurde direkt nach einer Push-Flut angenommen: der Benutzer hat womöglich nachgegeben</translation>
    </message>
    <message>
        <source>MFA failed after a correct password from %1 (%2)</source>
        <translation>MFA fehlgeschlagen nach korrektem Passwort von %1 (%2)</translation>
    </message>
    <message>
        <source>signed in from %1, a high-risk country (%2)</source>
        <translation>Anmeldung aus %1, einem Hochrisikoland (%2)</translation>
    </message>
    <message>
        <source>signed in from %1, outside the allowed countries (%2)</source>
        <translation>Anmeldung aus %1, außerhalb der zulässigen Länder (%2)</translation>
    </message>
    <message>
        <source>factors were reset %1 min earlier, then a sign-in from %2</source>
        <translation>Faktoren wurden %1 min zuvor zurückgesetzt, danach eine Anmeldung von %2</translation>
    </message>
    <message>
        <source>a new device</source>
        <translation>einem neuen Gerät</translation>
    </message>
    <message>
        <source>first sign-in from %1 (%2)</source>
        <translation>erste Anmeldung von %1 (%2)</translation>
    </message>
    <message>
        <source>Okta: New Device</source>
        <translation>Okta: Neues Gerät</translation>
    </message>
    <message>
        <source>%1 → %2: %3 km in %4 min (%5 km/h)</source>
        <translation>%1 → %2: %3 km in %4 min (%5 km/h)</translation>
    </message>
    <message>
        <source>Okta ThreatInsight flagged %1: %2</source>
        <translation>Okta ThreatInsight hat %1 markiert: %2</translation>
    </message>
    <message>
        <source>Okta ThreatInsight suspects the request from %1</source>
        <translation>Okta ThreatInsight stuft die Anfrage von %1 als verdächtig ein</translation>
    </message>
    <message>
        <source>Okta rated the sign-in risk HIGH (%1)</source>
        <translation>Okta hat das Anmelderisiko als HOCH bewertet (%1)</translation>
    </message>
    <message>
        <source>admin privileges granted by %1</source>
        <translation>Admin-Rechte erteilt durch %1</translation>
    </message>
</context>
<context>
    <name>SecretWriteBatch</name>
    <message>
        <source>the keychain refused %1: %2</source>
        <translation>der Schlüsselbund hat %1 abgelehnt: %2</translation>
    </message>
</context>
<context>
    <name>ServeCommand</name>
    <message>
        <source>Runs Vigil&apos;s live pipeline without a window: polls the Okta System Log (and receives Event Hooks with --hook-listen), scores every user and logs one line per state change plus a periodic health line.
Secrets come from the environment: VIGIL_OKTA_TOKEN (SSWS API token), VIGIL_HOOK_SECRET (the Event Hook authorization value), VIGIL_PAGERDUTY_ROUTING_KEY, VIGIL_PAGERDUTY_API_TOKEN, VIGIL_NOTIFY_WEBHOOK_URL (a Slack or Teams incoming webhook), VIGIL_JIRA_URL with VIGIL_JIRA_EMAIL, VIGIL_JIRA_API_TOKEN and VIGIL_JIRA_PROJECT (incident tickets; or VIGIL_TICKET_WEBHOOK_URL).
SIGTERM or SIGINT stop it cleanly.</source>
        <translation>Führt Vigils Live-Pipeline ohne Fenster aus: fragt das Okta System Log ab (und empfängt Event Hooks mit --hook-listen), bewertet jeden Benutzer und protokolliert eine Zeile pro Statuswechsel sowie regelmäßig eine Zustandszeile.
Geheimnisse kommen aus der Umgebung: VIGIL_OKTA_TOKEN (SSWS-API-Token), VIGIL_HOOK_SECRET (der Authorization-Wert der Event Hooks), VIGIL_PAGERDUTY_ROUTING_KEY, VIGIL_PAGERDUTY_API_TOKEN, VIGIL_NOTIFY_WEBHOOK_URL (ein eingehender Slack- oder Teams-Webhook), VIGIL_JIRA_URL mit VIGIL_JIRA_EMAIL, VIGIL_JIRA_API_TOKEN und VIGIL_JIRA_PROJECT (Incident-Tickets; oder VIGIL_TICKET_WEBHOOK_URL).
SIGTERM oder SIGINT beenden den Dienst sauber.</translation>
    </message>
    <message>
        <source>Show this help.</source>
        <translation>Diese Hilfe anzeigen.</translation>
    </message>
    <message>
        <source>The Okta org, e.g. https://acme.okta.com.</source>
        <translation>Die Okta-Org, z. B. https://acme.okta.com.</translation>
    </message>
    <message>
        <source>URL</source>
        <translation>URL</translation>
    </message>
    <message>
        <source>Keep Vigil&apos;s database in DIR.</source>
        <translation>Vigils Datenbank in VERZ ablegen.</translation>
    </message>
    <message>
        <source>DIR</source>
        <translation>VERZ</translation>
    </message>
    <message>
        <source>The risk policy to apply.</source>
        <translation>Die anzuwendende Risikorichtlinie.</translation>
    </message>
    <message>
        <source>FILE</source>
        <translation>DATEI</translation>
    </message>
    <message>
        <source>monitor (record what would be done) or enforce.</source>
        <translation>monitor (protokollieren, was getan würde) oder enforce.</translation>
    </message>
    <message>
        <source>MODE</source>
        <translation>MODUS</translation>
    </message>
    <message>
        <source>Replaces https://events.pagerduty.com.</source>
        <translation>Ersetzt https://events.pagerduty.com.</translation>
    </message>
    <message>
        <source>Seconds before an automatic suspension.</source>
        <translation>Sekunden bis zu einer automatischen Sperrung.</translation>
    </message>
    <message>
        <source>SECONDS</source>
        <translation>SEKUNDEN</translation>
    </message>
    <message>
        <source>Receive Okta Event Hooks on ADDR:PORT.</source>
        <translation>Okta-Event-Hooks auf ADR:PORT empfangen.</translation>
    </message>
    <message>
        <source>ADDR:PORT</source>
        <translation>ADR:PORT</translation>
    </message>
    <message>
        <source>Seconds between health lines (default 60).</source>
        <translation>Sekunden zwischen Zustandszeilen (Standard 60).</translation>
    </message>
    <message>
        <source>Only receive Event Hooks; do not poll the System Log.</source>
        <translation>Nur Event Hooks empfangen; das System Log nicht abfragen.</translation>
    </message>
    <message>
        <source>--okta-url URL is required</source>
        <translation>--okta-url URL ist erforderlich</translation>
    </message>
    <message>
        <source>--no-poll needs --hook-listen</source>
        <translation>--no-poll erfordert --hook-listen</translation>
    </message>
    <message>
        <source>--mode must be monitor or enforce</source>
        <translation>--mode muss monitor oder enforce sein</translation>
    </message>
    <message>
        <source>--health-interval must be a whole number of seconds</source>
        <translation>--health-interval muss eine ganze Zahl von Sekunden sein</translation>
    </message>
    <message>
        <source>vigil serve: VIGIL_OKTA_CLIENT_ID is set but VIGIL_OKTA_PRIVATE_KEY_FILE cannot be read: %1
</source>
        <translation>vigil serve: VIGIL_OKTA_CLIENT_ID ist gesetzt, aber VIGIL_OKTA_PRIVATE_KEY_FILE kann nicht gelesen werden: %1
</translation>
    </message>
    <message>
        <source>--hook-listen must be ADDR:PORT</source>
        <translation>--hook-listen muss ADR:PORT sein</translation>
    </message>
    <message>
        <source>vigil serve: VIGIL_HOOK_SECRET is not set: every Event Hook delivery will be refused
</source>
        <translation>vigil serve: VIGIL_HOOK_SECRET ist nicht gesetzt: jede Event-Hook-Zustellung wird abgelehnt
</translation>
    </message>
    <message>
        <source>--auto-suspend-delay must be a whole number of seconds</source>
        <translation>--auto-suspend-delay muss eine ganze Zahl von Sekunden sein</translation>
    </message>
    <message>
        <source>vigil serve: %1
</source>
        <translation>vigil serve: %1
</translation>
    </message>
    <message>
        <source>--store: %1</source>
        <translation>--store: %1</translation>
    </message>
    <message>
        <source>stopping: %1</source>
        <translation>wird beendet: %1</translation>
    </message>
    <message>
        <source>serving in %1 mode; data in %2</source>
        <translation>läuft im Modus %1; Daten in %2</translation>
    </message>
    <message>
        <source>health: %1</source>
        <translation>Zustand: %1</translation>
    </message>
    <message>
        <source>stopping on request</source>
        <translation>wird auf Anforderung beendet</translation>
    </message>
    <message>
        <source>stopped: %1</source>
        <translation>beendet: %1</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Poll the System Log</source>
        <translation>System Log abfragen</translation>
    </message>
    <message>
        <source>Vigil settings</source>
        <translation>Vigil-Einstellungen</translation>
    </message>
    <message>
        <source>Enforce mode</source>
        <translation>Durchsetzungsmodus</translation>
    </message>
    <message>
        <source>In enforce mode Vigil suspends Okta accounts and ends sessions on its own.
Type the org&apos;s name (%1) to confirm:</source>
        <translation>Im Durchsetzungsmodus sperrt Vigil Okta-Konten und beendet Sitzungen selbstständig.
Geben Sie zur Bestätigung den Namen der Org (%1) ein:</translation>
    </message>
    <message>
        <source>https://acme.okta.com</source>
        <translation>https://acme.okta.com</translation>
    </message>
    <message>
        <source>API token (SSWS)</source>
        <translation>API-Token (SSWS)</translation>
    </message>
    <message>
        <source>OAuth 2.0 service app (private_key_jwt)</source>
        <translation>OAuth-2.0-Service-App (private_key_jwt)</translation>
    </message>
    <message>
        <source>Monitor — decide and record, change nothing in Okta</source>
        <translation>Überwachen — entscheiden und protokollieren, nichts in Okta ändern</translation>
    </message>
    <message>
        <source>Enforce — step up and suspend accounts</source>
        <translation>Durchsetzen — Step-up und Kontosperrung</translation>
    </message>
    <message>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <source>off, or 127.0.0.1:8787</source>
        <translation>aus oder 127.0.0.1:8787</translation>
    </message>
    <message>
        <source>Event Hooks are not guaranteed delivery: keep polling on unless the hooks are your only way to Okta.</source>
        <translation>Die Zustellung von Event Hooks ist nicht garantiert: Lassen Sie die Abfrage eingeschaltet, außer die Hooks sind Ihr einziger Weg zu Okta.</translation>
    </message>
    <message>
        <source>the built-in default policy</source>
        <translation>die eingebaute Standardrichtlinie</translation>
    </message>
    <message>
        <source>Okta</source>
        <translation>Okta</translation>
    </message>
    <message>
        <source>Org URL</source>
        <translation>Org-URL</translation>
    </message>
    <message>
        <source>Authentication</source>
        <translation>Authentifizierung</translation>
    </message>
    <message>
        <source>API token</source>
        <translation>API-Token</translation>
    </message>
    <message>
        <source>Service app client id</source>
        <translation>Client-ID der Service-App</translation>
    </message>
    <message>
        <source>Private key (PEM)</source>
        <translation>Privater Schlüssel (PEM)</translation>
    </message>
    <message>
        <source>Key id (kid)</source>
        <translation>Key-ID (kid)</translation>
    </message>
    <message>
        <source>Events</source>
        <translation>Ereignisse</translation>
    </message>
    <message>
        <source>Event Hook listener</source>
        <translation>Event-Hook-Listener</translation>
    </message>
    <message>
        <source>Event Hook secret</source>
        <translation>Event-Hook-Geheimnis</translation>
    </message>
    <message>
        <source>Automation</source>
        <translation>Automatisierung</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>Modus</translation>
    </message>
    <message>
        <source>Auto-suspension delay</source>
        <translation>Verzögerung der automatischen Sperrung</translation>
    </message>
    <message>
        <source>Policy file</source>
        <translation>Richtliniendatei</translation>
    </message>
    <message>
        <source>Paging, notifications, tickets</source>
        <translation>Alarmierung, Benachrichtigungen, Tickets</translation>
    </message>
    <message>
        <source>PagerDuty routing key</source>
        <translation>PagerDuty-Routing-Key</translation>
    </message>
    <message>
        <source>PagerDuty API token</source>
        <translation>PagerDuty-API-Token</translation>
    </message>
    <message>
        <source>Notification webhook URL</source>
        <translation>Webhook-URL für Benachrichtigungen</translation>
    </message>
    <message>
        <source>Jira site URL</source>
        <translation>Jira-Site-URL</translation>
    </message>
    <message>
        <source>Jira account e-mail</source>
        <translation>Jira-Konto-E-Mail</translation>
    </message>
    <message>
        <source>Jira project key</source>
        <translation>Jira-Projektschlüssel</translation>
    </message>
    <message>
        <source>Jira API token</source>
        <translation>Jira-API-Token</translation>
    </message>
    <message>
        <source>Test Okta connection</source>
        <translation>Okta-Verbindung testen</translation>
    </message>
    <message>
        <source>set</source>
        <translation>gesetzt</translation>
    </message>
    <message>
        <source>not set</source>
        <translation>nicht gesetzt</translation>
    </message>
    <message>
        <source>stored in the keychain; type to replace</source>
        <translation>im Schlüsselbund gespeichert; zum Ersetzen neu eingeben</translation>
    </message>
    <message>
        <source>Cannot save: %1</source>
        <translation>Speichern nicht möglich: %1</translation>
    </message>
    <message>
        <source>Enforce mode was not confirmed: the org name did not match.</source>
        <translation>Durchsetzungsmodus nicht bestätigt: Der Name der Org stimmte nicht überein.</translation>
    </message>
    <message>
        <source>Test PagerDuty</source>
        <translation>PagerDuty testen</translation>
    </message>
    <message>
        <source>No PagerDuty API token: type one, or save it first.</source>
        <translation>Kein PagerDuty-API-Token: Geben Sie eines ein oder speichern Sie es zuerst.</translation>
    </message>
    <message>
        <source>Connected: PagerDuty accepted the API token (incidents readable). The routing key is checked the first time Vigil pages.</source>
        <translation>Verbunden: PagerDuty hat das API-Token akzeptiert (Incidents lesbar). Der Routing-Key wird bei der ersten Alarmierung durch Vigil geprüft.</translation>
    </message>
    <message>
        <source>PagerDuty refused the API token (HTTP %1).</source>
        <translation>PagerDuty hat das API-Token abgelehnt (HTTP %1).</translation>
    </message>
    <message>
        <source>Cannot reach PagerDuty: %1</source>
        <translation>PagerDuty ist nicht erreichbar: %1</translation>
    </message>
    <message>
        <source>PagerDuty answered HTTP %1.</source>
        <translation>PagerDuty antwortete mit HTTP %1.</translation>
    </message>
</context>
<context>
    <name>Severity</name>
    <message>
        <source>Critical</source>
        <translation>Kritisch</translation>
    </message>
    <message>
        <source>High</source>
        <translation>Hoch</translation>
    </message>
    <message>
        <source>Medium</source>
        <translation>Mittel</translation>
    </message>
    <message>
        <source>Low</source>
        <translation>Niedrig</translation>
    </message>
    <message>
        <source>Normal</source>
        <extracomment>Risk below the lowest severity band: ordinary traffic.</extracomment>
        <translation>Normal</translation>
    </message>
</context>
<context>
    <name>StatusCommand</name>
    <message>
        <source>Prints the live pipeline&apos;s health as &apos;vigil serve&apos; last wrote it: state, lag, events and requests per minute, rate limit left, last error.</source>
        <translation>Gibt den Zustand der Live-Pipeline aus, wie &apos;vigil serve&apos; ihn zuletzt geschrieben hat: Status, Verzögerung, Ereignisse und Anfragen pro Minute, verbleibendes Rate-Limit, letzter Fehler.</translation>
    </message>
    <message>
        <source>Show this help.</source>
        <translation>Diese Hilfe anzeigen.</translation>
    </message>
    <message>
        <source>The folder holding Vigil&apos;s database.</source>
        <translation>Der Ordner mit der Vigil-Datenbank.</translation>
    </message>
    <message>
        <source>DIR</source>
        <translation>VERZ</translation>
    </message>
    <message>
        <source>Print the status object as JSON.</source>
        <translation>Statusobjekt als JSON ausgeben.</translation>
    </message>
    <message>
        <source>vigil status: no status in %1 (&apos;vigil serve&apos; has not run there)
</source>
        <translation>vigil status: kein Status in %1 (&apos;vigil serve&apos; ist dort nicht gelaufen)
</translation>
    </message>
    <message>
        <source>%1 (pid %2, %3 mode), updated %4
</source>
        <translation>%1 (PID %2, Modus %3), aktualisiert %4
</translation>
    </message>
    <message>
        <source>not running</source>
        <translation>läuft nicht</translation>
    </message>
    <message>
        <source>lag %1 s · %2 events/min · %3 requests/min · %4/%5 requests left · %6 stored · %7 duplicates
</source>
        <translation>Verzögerung %1 s · %2 Ereignisse/min · %3 Anfragen/min · %4/%5 Anfragen übrig · %6 gespeichert · %7 Duplikate
</translation>
    </message>
    <message>
        <source>last error: %1 at %2
</source>
        <translation>letzter Fehler: %1 um %2
</translation>
    </message>
</context>
<context>
    <name>StoreReader</name>
    <message>
        <source>no store to read</source>
        <translation>kein Speicher zum Lesen</translation>
    </message>
</context>
<context>
    <name>Suppressions</name>
    <message>
        <source>a suppression needs a user</source>
        <translation>eine Unterdrückung braucht einen Benutzer</translation>
    </message>
    <message>
        <source>a suppression needs an owner</source>
        <translation>eine Unterdrückung braucht einen Verantwortlichen</translation>
    </message>
    <message>
        <source>a suppression needs a reason</source>
        <translation>eine Unterdrückung braucht eine Begründung</translation>
    </message>
    <message>
        <source>a suppression must expire after it starts</source>
        <translation>eine Unterdrückung muss nach ihrem Beginn ablaufen</translation>
    </message>
    <message>
        <source>a suppression may last at most %1 days</source>
        <translation>eine Unterdrückung darf höchstens %1 Tage dauern</translation>
    </message>
    <message>
        <source>no suppression %1</source>
        <translation>keine Unterdrückung %1</translation>
    </message>
</context>
<context>
    <name>SystemLogPoller</name>
    <message>
        <source>resuming the System Log from the stored position</source>
        <translation>System Log wird ab der gespeicherten Position fortgesetzt</translation>
    </message>
    <message>
        <source>the stored System Log position belongs to another org; reading the last %1 h again</source>
        <translation>die gespeicherte System-Log-Position gehört zu einer anderen Org; die letzten %1 h werden erneut gelesen</translation>
    </message>
    <message>
        <source>keeping %1 of %2 requests for response actions; polling again in %3 s</source>
        <translation>%1 von %2 Anfragen werden für Reaktionsmaßnahmen zurückgehalten; nächste Abfrage in %3 s</translation>
    </message>
    <message>
        <source>cannot authenticate to Okta: %1</source>
        <translation>Authentifizierung bei Okta nicht möglich: %1</translation>
    </message>
    <message>
        <source>the System Log request failed: %1</source>
        <translation>die System-Log-Anfrage ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>rate limited by Okta without a reset time (%1)</source>
        <translation>von Okta durch das Rate-Limit gebremst, ohne Reset-Zeit (%1)</translation>
    </message>
    <message>
        <source>rate limited by Okta (%1); polling again in %2 s</source>
        <translation>von Okta durch das Rate-Limit gebremst (%1); nächste Abfrage in %2 s</translation>
    </message>
    <message>
        <source>Okta rejected the %1 (%2). Polling stopped: renew the credential and restart.</source>
        <translation>Okta hat die Zugangsdaten abgelehnt (%1; %2). Abfrage gestoppt: Erneuern Sie die Zugangsdaten und starten Sie neu.</translation>
    </message>
    <message>
        <source>Okta refused access to the System Log with the %1 (%2). Polling stopped: the credential needs the okta.logs.read scope or a read-only admin role.</source>
        <translation>Okta hat den Zugriff auf das System Log verweigert (%1; %2). Abfrage gestoppt: Die Zugangsdaten brauchen den Scope okta.logs.read oder eine Read-only-Admin-Rolle.</translation>
    </message>
    <message>
        <source>Okta answered %1</source>
        <translation>Okta antwortete: %1</translation>
    </message>
    <message>
        <source>Okta redirected the System Log request (%1); is the org URL right?</source>
        <translation>Okta hat die System-Log-Anfrage umgeleitet (%1); stimmt die Org-URL?</translation>
    </message>
    <message>
        <source>Okta refused the System Log request: %1</source>
        <translation>Okta hat die System-Log-Anfrage abgelehnt: %1</translation>
    </message>
    <message>
        <source>System Log page</source>
        <translation>System-Log-Seite</translation>
    </message>
    <message>
        <source>unusable System Log page: %1</source>
        <translation>unbrauchbare System-Log-Seite: %1</translation>
    </message>
    <message>
        <source>the System Log page had no rel=&quot;next&quot; link; asking again</source>
        <translation>die System-Log-Seite hatte keinen rel=&quot;next&quot;-Link; neue Anfrage</translation>
    </message>
    <message>
        <source>event %1 of a System Log page rejected: %2</source>
        <translation>Ereignis %1 einer System-Log-Seite abgelehnt: %2</translation>
    </message>
    <message>
        <source>could not store a System Log page: %1</source>
        <translation>eine System-Log-Seite konnte nicht gespeichert werden: %1</translation>
    </message>
    <message>
        <source>caught up with the System Log</source>
        <translation>System Log aufgeholt</translation>
    </message>
    <message>
        <source>catching up with the System Log</source>
        <translation>System Log wird aufgeholt</translation>
    </message>
    <message>
        <source>%1; retrying in %2 s</source>
        <translation>%1; neuer Versuch in %2 s</translation>
    </message>
    <message>
        <source>Okta rejected the stored position (%1); reading again from %2</source>
        <translation>Okta hat die gespeicherte Position abgelehnt (%1); erneutes Lesen ab %2</translation>
    </message>
</context>
<context>
    <name>TeamCoordinator</name>
    <message>
        <source>%1 acted on %2 first: it is %3 (%4)</source>
        <translation>%1 hat zuerst auf %2 reagiert: jetzt %3 (%4)</translation>
    </message>
    <message>
        <source>team: reconnected to %1</source>
        <translation>Team: erneut mit %1 verbunden</translation>
    </message>
    <message>
        <source>lost the team database connection (%1)</source>
        <translation>Verbindung zur Team-Datenbank verloren (%1)</translation>
    </message>
    <message>
        <source>team: took the automation lock; leading in %1 ms</source>
        <translation>Team: Automatisierungs-Lock übernommen; führend in %1 ms</translation>
    </message>
    <message>
        <source>team: this console now leads the automation</source>
        <translation>Team: diese Konsole führt jetzt die Automatisierung</translation>
    </message>
    <message>
        <source>team: stopped leading: %1</source>
        <translation>Team: Führung abgegeben: %1</translation>
    </message>
    <message>
        <source>the team database is not reachable; the command was not sent</source>
        <translation>die Team-Datenbank ist nicht erreichbar; der Befehl wurde nicht gesendet</translation>
    </message>
    <message>
        <source>cannot queue the command: %1</source>
        <translation>der Befehl kann nicht eingereiht werden: %1</translation>
    </message>
    <message>
        <source>no console leads the automation right now; try again</source>
        <translation>derzeit führt keine Konsole die Automatisierung; versuchen Sie es erneut</translation>
    </message>
    <message>
        <source>the leading console did not answer in time</source>
        <translation>die führende Konsole hat nicht rechtzeitig geantwortet</translation>
    </message>
    <message>
        <source>lost the team database connection</source>
        <translation>Verbindung zur Team-Datenbank verloren</translation>
    </message>
</context>
<context>
    <name>Theme</name>
    <message>
        <source>&amp;Light</source>
        <translation>&amp;Hell</translation>
    </message>
    <message>
        <source>&amp;Dark</source>
        <translation>&amp;Dunkel</translation>
    </message>
    <message>
        <source>Follow the &amp;system</source>
        <translation>Wie das &amp;System</translation>
    </message>
</context>
<context>
    <name>UserActivityChart</name>
    <message>
        <source>Events per hour</source>
        <translation>Ereignisse pro Stunde</translation>
    </message>
    <message>
        <source>success</source>
        <translation>erfolgreich</translation>
    </message>
    <message>
        <source>failure</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <source>Events per hour, last 7 days</source>
        <translation>Ereignisse pro Stunde, letzte 7 Tage</translation>
    </message>
    <message>
        <source>Events per hour, last 24 hours</source>
        <translation>Ereignisse pro Stunde, letzte 24 Stunden</translation>
    </message>
</context>
<context>
    <name>UserAuditModel</name>
    <message>
        <source> — reason: %1</source>
        <translation> — Begründung: %1</translation>
    </message>
    <message>
        <source> → %1</source>
        <translation> → %1</translation>
    </message>
    <message>
        <source> (dry run)</source>
        <translation> (Probelauf)</translation>
    </message>
    <message>
        <source> → %1 %2</source>
        <translation> → %1 %2</translation>
    </message>
    <message>
        <source>%1 · record %2</source>
        <translation>%1 · Eintrag %2</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>Wer</translation>
    </message>
    <message>
        <source>About</source>
        <translation>Betrifft</translation>
    </message>
    <message>
        <source>What</source>
        <translation>Was</translation>
    </message>
</context>
<context>
    <name>UserContributionsModel</name>
    <message>
        <source>%1 (alert %2)</source>
        <translation>%1 (Alarm %2)</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>Punkte</translation>
    </message>
    <message>
        <source>Detection</source>
        <translation>Erkennung</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
</context>
<context>
    <name>UserProfileBuilder</name>
    <message>
        <source>%1 on %2</source>
        <translation>%1 unter %2</translation>
    </message>
    <message>
        <source>unknown client</source>
        <translation>unbekannter Client</translation>
    </message>
    <message numerus="yes">
        <source>first seen in the last %n hour(s) of the window</source>
        <translation>
            <numerusform>erstmals in der letzten %n Stunde des Zeitfensters gesehen</numerusform>
            <numerusform>erstmals in den letzten %n Stunden des Zeitfensters gesehen</numerusform>
        </translation>
    </message>
    <message>
        <source>Okta reported a new device</source>
        <translation>Okta meldete ein neues Gerät</translation>
    </message>
    <message>
        <source>Okta reported a new location</source>
        <translation>Okta meldete einen neuen Ort</translation>
    </message>
    <message>
        <source>No user given.</source>
        <translation>Kein Benutzer angegeben.</translation>
    </message>
    <message>
        <source>Cannot read the responses: %1</source>
        <translation>Die Reaktionen können nicht gelesen werden: %1</translation>
    </message>
</context>
<context>
    <name>UserSightingsModel</name>
    <message>
        <source>★ NEW  %1</source>
        <extracomment>Marks a device or place first seen recently</extracomment>
        <translation>★ NEU  %1</translation>
    </message>
    <message>
        <source>%1 (%2 failed)</source>
        <translation>%1 (%2 fehlgeschlagen)</translation>
    </message>
    <message>
        <source>%1
New: %2</source>
        <translation>%1
Neu: %2</translation>
    </message>
    <message>
        <source>Device or client</source>
        <translation>Gerät oder Client</translation>
    </message>
    <message>
        <source>Place</source>
        <translation>Ort</translation>
    </message>
    <message>
        <source>Fingerprint</source>
        <translation>Fingerabdruck</translation>
    </message>
    <message>
        <source>Region</source>
        <translation>Region</translation>
    </message>
    <message>
        <source>First seen</source>
        <translation>Zuerst gesehen</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>Zuletzt gesehen</translation>
    </message>
    <message>
        <source>Events</source>
        <translation>Ereignisse</translation>
    </message>
</context>
<context>
    <name>UserTimelineModel</name>
    <message>
        <source>no outcome</source>
        <translation>kein Ergebnis</translation>
    </message>
    <message>
        <source>Okta: %1</source>
        <translation>Okta: %1</translation>
    </message>
    <message>
        <source>Device fingerprint %1</source>
        <translation>Geräte-Fingerabdruck %1</translation>
    </message>
    <message>
        <source>Not linked to an alert of this user</source>
        <translation>Mit keinem Alarm dieses Benutzers verknüpft</translation>
    </message>
    <message>
        <source>Fed %1 (%2)</source>
        <translation>Floss in %1 ein (%2)</translation>
    </message>
    <message>
        <source>The alerts an event counted towards: without the alert&apos;s own event list, an event from one of its source IPs while it was open</source>
        <translation>Die Alarme, zu denen ein Ereignis beigetragen hat: ohne eigene Ereignisliste des Alarms ein Ereignis von einer seiner Quell-IPs, solange er offen war</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>Ereignis</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>IP</source>
        <translation>IP</translation>
    </message>
    <message>
        <source>Place</source>
        <translation>Ort</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>Client</translation>
    </message>
    <message>
        <source>Fed alert</source>
        <translation>Zugehöriger Alarm</translation>
    </message>
</context>
<context>
    <name>UserView</name>
    <message>
        <source>Open in Okta</source>
        <translation>In Okta öffnen</translation>
    </message>
    <message>
        <source>Copy link</source>
        <translation>Link kopieren</translation>
    </message>
    <message>
        <source>&amp;Hold (acknowledge)</source>
        <translation>&amp;Anhalten (bestätigen)</translation>
    </message>
    <message>
        <source>&amp;Suspend now…</source>
        <translation>&amp;Jetzt sperren…</translation>
    </message>
    <message>
        <source>&amp;Cancel suspension…</source>
        <translation>Sperrung a&amp;bbrechen…</translation>
    </message>
    <message>
        <source>&amp;Resolve</source>
        <translation>&amp;Erledigen</translation>
    </message>
    <message>
        <source>&amp;False positive…</source>
        <translation>&amp;Fehlalarm…</translation>
    </message>
    <message>
        <source>Stops the auto-suspension countdown; the alert stays open with you as its owner.</source>
        <translation>Stoppt den Countdown der automatischen Sperrung; der Alarm bleibt offen, mit Ihnen als Bearbeiter.</translation>
    </message>
    <message>
        <source>Suspends the Okta account now and ends its sessions (asks first).</source>
        <translation>Sperrt das Okta-Konto sofort und beendet seine Sitzungen (mit Rückfrage).</translation>
    </message>
    <message>
        <source>Cancels the pending suspension; a reason is required.</source>
        <translation>Bricht die ausstehende Sperrung ab; eine Begründung ist erforderlich.</translation>
    </message>
    <message>
        <source>24 h</source>
        <translation>24 h</translation>
    </message>
    <message>
        <source>The last 24 hours of event time</source>
        <translation>Die letzten 24 Stunden Ereigniszeit</translation>
    </message>
    <message>
        <source>7 days</source>
        <translation>7 Tage</translation>
    </message>
    <message>
        <source>The last 7 days of event time</source>
        <translation>Die letzten 7 Tage Ereigniszeit</translation>
    </message>
    <message>
        <source>Reload</source>
        <translation>Neu laden</translation>
    </message>
    <message>
        <source>Read the user&apos;s events, responses and audit records from the store again</source>
        <translation>Ereignisse, Reaktionen und Audit-Einträge des Benutzers erneut aus dem Speicher lesen</translation>
    </message>
    <message>
        <source>Show:</source>
        <translation>Anzeigen:</translation>
    </message>
    <message>
        <source>Filter events: type, outcome, IP, place, client…</source>
        <translation>Ereignisse filtern: Typ, Ergebnis, IP, Ort, Client…</translation>
    </message>
    <message numerus="yes">
        <source>%n event(s) shown</source>
        <translation>
            <numerusform>%n Ereignis angezeigt</numerusform>
            <numerusform>%n Ereignisse angezeigt</numerusform>
        </translation>
    </message>
    <message>
        <source>Timeline</source>
        <translation>Zeitachse</translation>
    </message>
    <message>
        <source>Devices &amp;&amp; places</source>
        <translation>Geräte &amp;&amp; Orte</translation>
    </message>
    <message>
        <source>Why this score</source>
        <translation>Warum dieser Wert</translation>
    </message>
    <message>
        <source>&lt;b&gt;AUDIT&lt;/b&gt; — records about this user and their alerts, newest first</source>
        <translation>&lt;b&gt;AUDIT&lt;/b&gt; — Einträge zu diesem Benutzer und seinen Alarmen, neueste zuerst</translation>
    </message>
    <message>
        <source>Response &amp;&amp; audit</source>
        <translation>Reaktion &amp;&amp; Audit</translation>
    </message>
    <message>
        <source>The store is not available: no stored events to show.</source>
        <translation>Der Speicher ist nicht verfügbar: keine gespeicherten Ereignisse anzuzeigen.</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen…</translation>
    </message>
    <message>
        <source>No stored events for this user in the last 7 days</source>
        <translation>Keine gespeicherten Ereignisse dieses Benutzers in den letzten 7 Tagen</translation>
    </message>
    <message>
        <source>%1 events in the last 7 days, newest %2</source>
        <translation>%1 Ereignisse in den letzten 7 Tagen, neuestes %2</translation>
    </message>
    <message>
        <source>(the newest %1 only, from %2)</source>
        <translation>(nur die neuesten %1, ab %2)</translation>
    </message>
    <message>
        <source>&lt;b&gt;DEVICES&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;GERÄTE&lt;/b&gt; %1</translation>
    </message>
    <message numerus="yes">
        <source>· &lt;b&gt;%n new&lt;/b&gt;</source>
        <translation>
            <numerusform>· &lt;b&gt;%n neu&lt;/b&gt;</numerusform>
            <numerusform>· &lt;b&gt;%n neu&lt;/b&gt;</numerusform>
        </translation>
    </message>
    <message>
        <source>· none new</source>
        <translation>· keine neuen</translation>
    </message>
    <message>
        <source>&lt;b&gt;PLACES&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;ORTE&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>Link to the Okta admin console copied</source>
        <translation>Link zur Okta Admin Console kopiert</translation>
    </message>
    <message>
        <source>&lt;b&gt;No user&lt;/b&gt;</source>
        <translation>&lt;b&gt;Kein Benutzer&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Press U on an alert or click a user on the risk board.</source>
        <translation>Drücken Sie U auf einem Alarm oder klicken Sie in der Risikoübersicht auf einen Benutzer.</translation>
    </message>
    <message>
        <source>risk &lt;b&gt;%1&lt;/b&gt; %2</source>
        <translation>Risiko &lt;b&gt;%1&lt;/b&gt; %2</translation>
    </message>
    <message>
        <source>(peak %1)</source>
        <translation>(Spitze %1)</translation>
    </message>
    <message>
        <source>not at risk now</source>
        <translation>derzeit nicht gefährdet</translation>
    </message>
    <message>
        <source>reports to %1</source>
        <translation>berichtet an %1</translation>
    </message>
    <message>
        <source>Okta id not seen yet</source>
        <translation>Okta-ID noch nicht gesehen</translation>
    </message>
    <message>
        <source>Okta id %1</source>
        <translation>Okta-ID %1</translation>
    </message>
    <message>
        <source>last seen in %1</source>
        <translation>zuletzt gesehen in %1</translation>
    </message>
    <message>
        <source>The Okta admin console&apos;s address is not known.</source>
        <translation>Die Adresse der Okta Admin Console ist nicht bekannt.</translation>
    </message>
    <message>
        <source>The user&apos;s Okta id is not in the stored events yet.</source>
        <translation>Die Okta-ID des Benutzers ist noch nicht in den gespeicherten Ereignissen.</translation>
    </message>
    <message>
        <source>Open %1</source>
        <translation>%1 öffnen</translation>
    </message>
    <message>
        <source>Copy %1</source>
        <translation>%1 kopieren</translation>
    </message>
    <message>
        <source>&lt;b&gt;WHY&lt;/b&gt; — no open alert and no recent risk for this user.</source>
        <translation>&lt;b&gt;WARUM&lt;/b&gt; — kein offener Alarm und kein aktuelles Risiko für diesen Benutzer.</translation>
    </message>
    <message>
        <source>&lt;b&gt;WHY %1&lt;/b&gt; — %2</source>
        <translation>&lt;b&gt;WARUM %1&lt;/b&gt; — %2</translation>
    </message>
    <message>
        <source>The recent contributions behind the score, newest first. The score is their sum, decayed with time and capped at 100.</source>
        <translation>Die jüngsten Beiträge hinter dem Risikowert, neueste zuerst. Der Wert ist ihre Summe, klingt mit der Zeit ab und ist bei 100 gedeckelt.</translation>
    </message>
    <message>
        <source>Acts on alert %1</source>
        <translation>Wirkt auf Alarm %1</translation>
    </message>
    <message>
        <source>The user has no open alert</source>
        <translation>Der Benutzer hat keinen offenen Alarm</translation>
    </message>
    <message>
        <source>&lt;b&gt;RESPONSE&lt;/b&gt; — the automation has not acted on this user.</source>
        <translation>&lt;b&gt;REAKTION&lt;/b&gt; — die Automatisierung hat bei diesem Benutzer nichts unternommen.</translation>
    </message>
    <message>
        <source>&lt;b&gt;RESPONSE&lt;/b&gt; to %1: &lt;b&gt;%2&lt;/b&gt;</source>
        <translation>&lt;b&gt;REAKTION&lt;/b&gt; auf %1: &lt;b&gt;%2&lt;/b&gt;</translation>
    </message>
    <message>
        <source>auto-suspend in &lt;b&gt;%1&lt;/b&gt; unless acknowledged</source>
        <translation>automatische Sperrung in &lt;b&gt;%1&lt;/b&gt;, sofern nicht bestätigt</translation>
    </message>
    <message>
        <source>Step-up: %1</source>
        <translation>Step-up: %1</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keiner</translation>
    </message>
    <message>
        <source>Acknowledged by %1</source>
        <translation>Bestätigt von %1</translation>
    </message>
    <message>
        <source>Reason: %1</source>
        <translation>Begründung: %1</translation>
    </message>
    <message>
        <source>Ticket %1</source>
        <translation>Ticket %1</translation>
    </message>
    <message>
        <source>Decision: %1</source>
        <translation>Entscheidung: %1</translation>
    </message>
    <message>
        <source>%1 %2 (%3)</source>
        <translation>%1 %2 (%3)</translation>
    </message>
    <message>
        <source>Earlier: %1</source>
        <translation>Früher: %1</translation>
    </message>
    <message>
        <source>%1 by %2 until %3: %4</source>
        <translation>%1 durch %2 bis %3: %4</translation>
    </message>
    <message>
        <source>all detections</source>
        <translation>alle Erkennungen</translation>
    </message>
    <message>
        <source>&lt;b&gt;Suppressed&lt;/b&gt;: %1</source>
        <translation>&lt;b&gt;Unterdrückt&lt;/b&gt;: %1</translation>
    </message>
</context>
<context>
    <name>VigilSim</name>
    <message>
        <source>A simulated Okta org (System Log, Users, Factors, Groups) and PagerDuty, served over HTTP.</source>
        <translation>Eine simulierte Okta-Org (System Log, Users, Factors, Groups) und PagerDuty, bereitgestellt über HTTP.</translation>
    </message>
    <message>
        <source>Address and port to listen on (port 0: any free one).</source>
        <translation>Adresse und Port zum Lauschen (Port 0: ein beliebiger freier).</translation>
    </message>
    <message>
        <source>Seed: the same seed gives the same org and traffic.</source>
        <translation>Seed: derselbe Seed ergibt dieselbe Org und denselben Verkehr.</translation>
    </message>
    <message>
        <source>Number of people in the org.</source>
        <translation>Anzahl der Personen in der Org.</translation>
    </message>
    <message>
        <source>Sim seconds per real second.</source>
        <translation>Simulierte Sekunden pro echter Sekunde.</translation>
    </message>
    <message>
        <source>Hours of traffic already in the log at start.</source>
        <translation>Stunden an Verkehr, die beim Start bereits im Log stehen.</translation>
    </message>
    <message>
        <source>Faults on /api/v1/logs: 429burst,500,slow,truncated,expiredcursor, each optionally =PROBABILITY or @REQUEST_NUMBER.</source>
        <translation>Fehler auf /api/v1/logs: 429burst,500,slow,truncated,expiredcursor, jeweils optional =WAHRSCHEINLICHKEIT oder @ANFRAGENUMMER.</translation>
    </message>
    <message>
        <source>The Okta API token clients must send (SSWS).</source>
        <translation>Das Okta-API-Token, das Clients senden müssen (SSWS).</translation>
    </message>
    <message>
        <source>The PagerDuty routing key (32 characters).</source>
        <translation>Der PagerDuty-Routing-Key (32 Zeichen).</translation>
    </message>
    <message>
        <source>The PagerDuty REST API token.</source>
        <translation>Das PagerDuty-REST-API-Token.</translation>
    </message>
    <message>
        <source>Requests per minute allowed on /api/v1/logs.</source>
        <translation>Erlaubte Anfragen pro Minute auf /api/v1/logs.</translation>
    </message>
    <message>
        <source>Run an attack (%1), optionally @MINUTES of sim time after the start (default 1). Repeatable.</source>
        <translation>Einen Angriff ausführen (%1), optional @MINUTEN Simulationszeit nach dem Start (Standard 1). Mehrfach angebbar.</translation>
    </message>
    <message>
        <source>Deliver Event Hooks to this URL (after verification).</source>
        <translation>Event Hooks an diese URL zustellen (nach der Verifizierung).</translation>
    </message>
    <message>
        <source>The Authorization header value sent with Event Hooks.</source>
        <translation>Der mit Event Hooks gesendete Wert des Authorization-Headers.</translation>
    </message>
    <message>
        <source>--seed needs a whole number</source>
        <translation>--seed braucht eine ganze Zahl</translation>
    </message>
    <message>
        <source>--users needs a number of at least 2</source>
        <translation>--users braucht eine Zahl von mindestens 2</translation>
    </message>
    <message>
        <source>--speed needs a positive number</source>
        <translation>--speed braucht eine positive Zahl</translation>
    </message>
    <message>
        <source>--history-hours needs a number of hours</source>
        <translation>--history-hours braucht eine Anzahl Stunden</translation>
    </message>
    <message>
        <source>--rate-limit needs a positive number</source>
        <translation>--rate-limit braucht eine positive Zahl</translation>
    </message>
    <message>
        <source>--routing-key must be 32 characters, as PagerDuty&apos;s integration keys are</source>
        <translation>--routing-key muss 32 Zeichen lang sein, wie die Integrationsschlüssel von PagerDuty</translation>
    </message>
    <message>
        <source>--faults: %1</source>
        <translation>--faults: %1</translation>
    </message>
    <message>
        <source>--listen needs ADDRESS:PORT, e.g. 127.0.0.1:8080</source>
        <translation>--listen braucht ADRESSE:PORT, z. B. 127.0.0.1:8080</translation>
    </message>
    <message>
        <source>vigil-sim: warning: %1 is not a loopback address; the simulator has no TLS and is meant for this machine only</source>
        <translation>vigil-sim: Warnung: %1 ist keine Loopback-Adresse; der Simulator hat kein TLS und ist nur für diesen Rechner gedacht</translation>
    </message>
    <message>
        <source>unknown attack &apos;%1&apos; (known: %2)</source>
        <translation>unbekannter Angriff &apos;%1&apos; (bekannt: %2)</translation>
    </message>
    <message>
        <source>--attack %1: minutes must be a number</source>
        <translation>--attack %1: die Minuten müssen eine Zahl sein</translation>
    </message>
    <message>
        <source>vigil-sim: cannot listen on %1:%2</source>
        <translation>vigil-sim: kann nicht auf %1:%2 lauschen</translation>
    </message>
    <message>
        <source>attack %1 on %2 from %3 at %4</source>
        <translation>Angriff %1 auf %2 von %3 um %4</translation>
    </message>
    <message>
        <source>--hook-url is not a URL</source>
        <translation>--hook-url ist keine URL</translation>
    </message>
    <message>
        <source>event hook verified</source>
        <translation>Event Hook verifiziert</translation>
    </message>
    <message>
        <source>event hook verification failed</source>
        <translation>Verifizierung des Event Hooks fehlgeschlagen</translation>
    </message>
    <message>
        <source>vigil-sim: %1 people, seed %2, speed %3x, serving %4 (Okta token: %5, PagerDuty routing key: %6)</source>
        <translation>vigil-sim: %1 Personen, Seed %2, Geschwindigkeit %3x, bereitgestellt unter %4 (Okta-Token: %5, PagerDuty-Routing-Key: %6)</translation>
    </message>
</context>
<context>
    <name>WelcomePage</name>
    <message>
        <source>&amp;Explore with the demo tenant</source>
        <translation>Mit dem Demo-Tenant &amp;erkunden</translation>
    </message>
    <message>
        <source>&amp;Connect to your Okta org</source>
        <translation>Mit Ihrer Okta-Org &amp;verbinden</translation>
    </message>
    <message>
        <source>Welcome to Vigil</source>
        <translation>Willkommen bei Vigil</translation>
    </message>
    <message>
        <source>Vigil watches your Okta System Log, scores every user&apos;s account-takeover risk and shows who is under attack, why, and what the automation will do next.</source>
        <translation>Vigil überwacht Ihr Okta System Log, bewertet für jeden Benutzer das Risiko einer Kontoübernahme und zeigt, wer angegriffen wird, warum und was die Automatisierung als Nächstes tut.</translation>
    </message>
    <message>
        <source>Open the &amp;demo</source>
        <translation>&amp;Demo öffnen</translation>
    </message>
    <message>
        <source>Read your org&apos;s System Log with an API token or an OAuth service app. Vigil starts in monitor mode: it changes nothing in Okta until you turn on enforce.</source>
        <translation>Lesen Sie das System Log Ihrer Org mit einem API-Token oder einer OAuth-Service-App. Vigil startet im Überwachungsmodus: Es ändert nichts in Okta, bis Sie den Durchsetzungsmodus einschalten.</translation>
    </message>
    <message>
        <source>A simulated Okta org on this computer: 200 people, a day of history and scripted attacks to triage. No credentials; nothing leaves this machine.</source>
        <translation>Eine simulierte Okta-Org auf diesem Computer: 200 Personen, ein Tag Verlauf und gescriptete Angriffe zur Triage. Keine Zugangsdaten; nichts verlässt diesen Rechner.</translation>
    </message>
</context>
<context>
    <name>WorldMapWidget</name>
    <message>
        <source>World map of sign-ins</source>
        <translation>Weltkarte der Anmeldungen</translation>
    </message>
    <message>
        <source>Sign-ins as markers by risk, impossible travel as arcs. Plus and minus zoom, arrow keys pan, Home resets the view.</source>
        <translation>Anmeldungen als Markierungen nach Risiko, unmögliche Ortswechsel als Bögen. Plus und Minus zoomen, Pfeiltasten verschieben, Pos1 setzt die Ansicht zurück.</translation>
    </message>
    <message>
        <source>IP %1</source>
        <translation>IP %1</translation>
    </message>
    <message>
        <source>Risk %1 · %2</source>
        <translation>Risiko %1 · %2</translation>
    </message>
    <message>
        <source>Failed sign-in</source>
        <translation>Fehlgeschlagene Anmeldung</translation>
    </message>
    <message numerus="yes">
        <source>%n sign-in(s)</source>
        <translation>
            <numerusform>%n Anmeldung</numerusform>
            <numerusform>%n Anmeldungen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>… and %n more</source>
        <translation>
            <numerusform>… und %n weitere</numerusform>
            <numerusform>… und %n weitere</numerusform>
        </translation>
    </message>
    <message>
        <source>Click to list them; zoom in to separate them.</source>
        <translation>Klicken, um sie aufzulisten; hineinzoomen, um sie zu trennen.</translation>
    </message>
    <message>
        <source>Impossible travel</source>
        <translation>Unmöglicher Ortswechsel</translation>
    </message>
    <message>
        <source>%1 → %2</source>
        <translation>%1 → %2</translation>
    </message>
    <message>
        <source>%1 km at %2 km/h</source>
        <translation>%1 km mit %2 km/h</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>%1k</source>
        <extracomment>Compact thousands on a map cluster, e.g. &quot;1.2k&quot; or &quot;15k&quot;.</extracomment>
        <translation>%1k</translation>
    </message>
    <message>
        <source>%1 km/h</source>
        <translation>%1 km/h</translation>
    </message>
    <message>
        <source>Map data: Natural Earth; world-atlas, ISC</source>
        <translation>Kartendaten: Natural Earth; world-atlas, ISC</translation>
    </message>
    <message>
        <source>No sign-ins to show yet</source>
        <translation>Noch keine Anmeldungen anzuzeigen</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Keep Vigil&apos;s database in DIR.</source>
        <translation>Vigils Datenbank in VERZ ablegen.</translation>
    </message>
    <message>
        <source>DIR</source>
        <translation>VERZ</translation>
    </message>
    <message>
        <source>Save a picture of the window to FILE (PNG) once it is shown, then quit.</source>
        <translation>Ein Bild des Fensters nach DATEI (PNG) speichern, sobald es angezeigt wird, und dann beenden.</translation>
    </message>
    <message>
        <source>FILE</source>
        <translation>DATEI</translation>
    </message>
    <message>
        <source>Run against a built-in simulated Okta org (no credentials, no network).</source>
        <translation>Mit einer eingebauten simulierten Okta-Org ausführen (keine Zugangsdaten, kein Netzwerk).</translation>
    </message>
    <message>
        <source>How much faster time runs in the demo org.</source>
        <translation>Wie viel schneller die Zeit in der Demo-Org läuft.</translation>
    </message>
    <message>
        <source>FACTOR</source>
        <translation>FAKTOR</translation>
    </message>
    <message>
        <source>Milliseconds to wait before the screenshot.</source>
        <translation>Millisekunden Wartezeit vor dem Screenshot.</translation>
    </message>
    <message>
        <source>MS</source>
        <translation>MS</translation>
    </message>
    <message>
        <source>Seconds of demo traffic before the screenshot (instead of --screenshot-delay).</source>
        <translation>Sekunden Demo-Verkehr vor dem Screenshot (statt --screenshot-delay).</translation>
    </message>
    <message>
        <source>SECONDS</source>
        <translation>SEKUNDEN</translation>
    </message>
    <message>
        <source>Appearance: system, light or dark (remembered from the View menu otherwise).</source>
        <translation>Erscheinungsbild: system, light oder dark (sonst die im Menü Ansicht gewählte Einstellung).</translation>
    </message>
    <message>
        <source>THEME</source>
        <translation>DESIGN</translation>
    </message>
    <message>
        <source>vigil: --demo-speed must be between 0 and 3600
</source>
        <translation>vigil: --demo-speed muss zwischen 0 und 3600 liegen
</translation>
    </message>
    <message>
        <source>vigil: the demo could not start: %1
</source>
        <translation>vigil: die Demo konnte nicht starten: %1
</translation>
    </message>
    <message>
        <source>Vigil — demo tenant (simulated Okta org)</source>
        <translation>Vigil — Demo-Tenant (simulierte Okta-Org)</translation>
    </message>
    <message>
        <source>Vigil — %1</source>
        <translation>Vigil — %1</translation>
    </message>
    <message>
        <source>vigil: cannot connect to %1: %2
</source>
        <translation>vigil: keine Verbindung zu %1 möglich: %2
</translation>
    </message>
    <message>
        <source>vigil: --store: %1
</source>
        <translation>vigil: --store: %1
</translation>
    </message>
</context>
<context>
    <name>vigil::ui::EventSourcePage</name>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>Copy to the clipboard</source>
        <translation>In die Zwischenablage kopieren</translation>
    </message>
</context>
</TS>
