<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr">
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
        <translation>Liste les alertes ou agit sur l&apos;une d&apos;elles, comme le fait un analyste dans la console. Chaque commande est consignée dans le journal d&apos;audit avec son auteur (utilisateur système et hôte) et son motif.
  list                 alertes ouvertes avec leur état et leur décompte (--all&#xa0;: aussi les alertes closes)
  ack ID               acquitter&#xa0;: arrête le décompte de la suspension automatique
  override ID          outrepasser&#xa0;: annuler la suspension en attente (motif obligatoire)
  suspend ID           suspendre le compte maintenant (mode intervention)
  unsuspend ID         réactiver le compte
  resolve ID           clore l&apos;alerte
  false-positive ID    la clore comme faux positif (motif obligatoire&#xa0;; --suppress-hours pour mettre en sourdine les alertes de l&apos;utilisateur pendant un temps)
  resume-automation    refermer le disjoncteur (motif obligatoire)</translation>
    </message>
    <message>
        <source>Show this help.</source>
        <translation>Afficher cette aide.</translation>
    </message>
    <message>
        <source>The folder holding Vigil&apos;s database.</source>
        <translation>Le dossier de la base de données de Vigil.</translation>
    </message>
    <message>
        <source>DIR</source>
        <translation>DOSSIER</translation>
    </message>
    <message>
        <source>Why: recorded in the audit log.</source>
        <translation>Motif&#xa0;: consigné dans le journal d&apos;audit.</translation>
    </message>
    <message>
        <source>TEXT</source>
        <translation>TEXTE</translation>
    </message>
    <message>
        <source>With false-positive: suppress the user&apos;s alerts for H hours.</source>
        <translation>Avec false-positive&#xa0;: mettre en sourdine les alertes de l&apos;utilisateur pendant H heures.</translation>
    </message>
    <message>
        <source>H</source>
        <translation>H</translation>
    </message>
    <message>
        <source>With --suppress-hours: only these detections (comma-separated).</source>
        <translation>Avec --suppress-hours&#xa0;: uniquement ces détections (séparées par des virgules).</translation>
    </message>
    <message>
        <source>LIST</source>
        <translation>LISTE</translation>
    </message>
    <message>
        <source>With list: closed alerts too.</source>
        <translation>Avec list&#xa0;: inclure aussi les alertes closes.</translation>
    </message>
    <message>
        <source>With no Vigil running: the policy to apply.</source>
        <translation>Si aucun Vigil n&apos;est en cours d&apos;exécution&#xa0;: la politique à appliquer.</translation>
    </message>
    <message>
        <source>FILE</source>
        <translation>FICHIER</translation>
    </message>
    <message>
        <source>With no Vigil running: monitor or enforce (default: the policy&apos;s response.mode).</source>
        <translation>Si aucun Vigil n&apos;est en cours d&apos;exécution&#xa0;: monitor ou enforce (par défaut&#xa0;: le response.mode de la politique).</translation>
    </message>
    <message>
        <source>MODE</source>
        <translation>MODE</translation>
    </message>
    <message>
        <source>list, or one of: %1</source>
        <translation>list, ou l&apos;une des actions&#xa0;: %1</translation>
    </message>
    <message>
        <source>The alert id (from &apos;vigil alert list&apos; or the console).</source>
        <translation>L&apos;identifiant de l&apos;alerte (voir &apos;vigil alert list&apos; ou la console).</translation>
    </message>
    <message>
        <source>say &apos;list&apos; or one of: %1</source>
        <translation>indiquez &apos;list&apos; ou l&apos;une des actions&#xa0;: %1</translation>
    </message>
    <message>
        <source>&apos;%1&apos; needs the alert id</source>
        <translation>&apos;%1&apos; exige l&apos;identifiant de l&apos;alerte</translation>
    </message>
    <message>
        <source>&apos;%1&apos; takes no alert id</source>
        <translation>&apos;%1&apos; n&apos;accepte pas d&apos;identifiant d&apos;alerte</translation>
    </message>
    <message>
        <source>&apos;%1&apos; needs --reason TEXT</source>
        <translation>&apos;%1&apos; exige --reason TEXTE</translation>
    </message>
    <message>
        <source>--suppress-hours takes a positive number of hours, with false-positive</source>
        <translation>--suppress-hours attend un nombre d&apos;heures positif, avec false-positive</translation>
    </message>
    <message>
        <source>vigil alert: no Vigil database in %1
</source>
        <translation>vigil alert&#xa0;: aucune base de données Vigil dans %1
</translation>
    </message>
    <message>
        <source>vigil alert: %1
</source>
        <translation>vigil alert&#xa0;: %1
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
        <translation>alerte</translation>
    </message>
    <message>
        <source>user</source>
        <translation>utilisateur</translation>
    </message>
    <message>
        <source>severity</source>
        <translation>sévérité</translation>
    </message>
    <message>
        <source>risk</source>
        <translation>risque</translation>
    </message>
    <message>
        <source>state</source>
        <translation>état</translation>
    </message>
    <message>
        <source>countdown</source>
        <translation>décompte</translation>
    </message>
    <message>
        <source>no alerts
</source>
        <translation>aucune alerte
</translation>
    </message>
    <message>
        <source>no open alerts
</source>
        <translation>aucune alerte ouverte
</translation>
    </message>
    <message>
        <source>--mode must be monitor or enforce</source>
        <translation>--mode doit valoir monitor ou enforce</translation>
    </message>
    <message numerus="yes">
        <source>no Vigil is running on %1: %n call(s) to Okta or PagerDuty wait in the outbox for the next &apos;vigil serve&apos; or console
</source>
        <translation>
            <numerusform>aucun Vigil n&apos;est en cours d&apos;exécution sur %1&#xa0;: %n appel à Okta ou PagerDuty attend dans la file d&apos;envoi le prochain &apos;vigil serve&apos; ou la prochaine console
</numerusform>
            <numerusform>aucun Vigil n&apos;est en cours d&apos;exécution sur %1&#xa0;: %n appels à Okta ou PagerDuty attendent dans la file d&apos;envoi le prochain &apos;vigil serve&apos; ou la prochaine console
</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>AlertDetailPanel</name>
    <message>
        <source>&amp;Hold (acknowledge)</source>
        <translation>Re&amp;tenir (acquitter)</translation>
    </message>
    <message>
        <source>&amp;Suspend now…</source>
        <translation>&amp;Suspendre maintenant…</translation>
    </message>
    <message>
        <source>&amp;Cancel suspension…</source>
        <translation>&amp;Annuler la suspension…</translation>
    </message>
    <message>
        <source>&amp;Resolve</source>
        <translation>&amp;Résoudre</translation>
    </message>
    <message>
        <source>&amp;False positive…</source>
        <translation>&amp;Faux positif…</translation>
    </message>
    <message>
        <source>Stops the auto-suspension countdown; the alert stays open with you as its owner.</source>
        <translation>Arrête le décompte de la suspension automatique&#xa0;; l&apos;alerte reste ouverte et vous en devenez responsable.</translation>
    </message>
    <message>
        <source>Suspends the Okta account now and ends its sessions (asks first).</source>
        <translation>Suspend le compte Okta maintenant et met fin à ses sessions (avec confirmation).</translation>
    </message>
    <message>
        <source>Cancels the pending suspension; a reason is required.</source>
        <translation>Annule la suspension en attente&#xa0;; un motif est obligatoire.</translation>
    </message>
    <message>
        <source>&lt;b&gt;No alert selected&lt;/b&gt;</source>
        <translation>&lt;b&gt;Aucune alerte sélectionnée&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Select an alert in the queue to see why it scored and what happens next.</source>
        <translation>Sélectionnez une alerte dans la file pour voir d&apos;où vient son score et ce qui va se passer.</translation>
    </message>
    <message>
        <source>reports to %1</source>
        <translation>responsable&#xa0;: %1</translation>
    </message>
    <message>
        <source>profile not read from Okta yet</source>
        <translation>profil pas encore lu depuis Okta</translation>
    </message>
    <message>
        <source>from %1%2</source>
        <translation>depuis %1%2</translation>
    </message>
    <message>
        <source>&lt;b&gt;WHY %1&lt;/b&gt;</source>
        <translation>&lt;b&gt;POURQUOI %1&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;NEXT&lt;/b&gt; auto-suspend in &lt;b&gt;%1&lt;/b&gt; unless acknowledged (step-up: %2)</source>
        <translation>&lt;b&gt;ENSUITE&lt;/b&gt; suspension automatique dans &lt;b&gt;%1&lt;/b&gt; sauf acquittement (authentification renforcée&#xa0;: %2)</translation>
    </message>
    <message>
        <source>&lt;b&gt;SUSPENDED&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;SUSPENDU&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>&lt;b&gt;ACKNOWLEDGED&lt;/b&gt; by %1 — the countdown is stopped</source>
        <translation>&lt;b&gt;ACQUITTÉE&lt;/b&gt; par %1 — le décompte est arrêté</translation>
    </message>
    <message>
        <source>&lt;b&gt;STATE&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;ÉTAT&lt;/b&gt; %1</translation>
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
        <translation>&apos;%1&apos; en position %2 attend un élément à exclure, par ex. -user:bob ou !country:US</translation>
    </message>
    <message>
        <source>empty quotes at %1 match nothing</source>
        <translation>les guillemets vides en position %1 ne correspondent à rien</translation>
    </message>
    <message>
        <source>unknown field &apos;%1&apos; at %2; try %3 (put text with &apos;:&apos; in quotes to search for it)</source>
        <translation>champ inconnu &apos;%1&apos; en position %2&#xa0;; essayez %3 (mettez entre guillemets un texte contenant &apos;:&apos; pour le rechercher)</translation>
    </message>
    <message>
        <source>&apos;%1&apos; at %2 compares only severity and risk; use %3:VALUE</source>
        <translation>&apos;%1&apos; en position %2 ne compare que la sévérité et le risque&#xa0;; utilisez %3:VALEUR</translation>
    </message>
    <message>
        <source>&apos;%1%2&apos; at %3 needs a value, e.g. %4</source>
        <translation>&apos;%1%2&apos; en position %3 attend une valeur, par ex. %4</translation>
    </message>
    <message>
        <source>empty value in the list at %1</source>
        <translation>valeur vide dans la liste en position %1</translation>
    </message>
    <message>
        <source>unexpected quote at %1; quote the whole value, e.g. %2:&quot;a b&quot;</source>
        <translation>guillemet inattendu en position %1&#xa0;; mettez toute la valeur entre guillemets, par ex. %2:&quot;a b&quot;</translation>
    </message>
    <message>
        <source>a list at %1 needs &apos;:&apos;, not &apos;%2&apos;</source>
        <translation>une liste en position %1 attend &apos;:&apos;, et non &apos;%2&apos;</translation>
    </message>
    <message>
        <source>unknown severity &apos;%1&apos; at %2; use low, medium, high or critical</source>
        <translation>sévérité inconnue &apos;%1&apos; en position %2&#xa0;; utilisez low, medium, high ou critical</translation>
    </message>
    <message>
        <source>risk needs a number from 0 to 100 at %1, not &apos;%2&apos;</source>
        <translation>risk attend un nombre de 0 à 100 en position %1, et non &apos;%2&apos;</translation>
    </message>
    <message>
        <source>unknown status &apos;%1&apos; at %2; try %3</source>
        <translation>statut inconnu &apos;%1&apos; en position %2&#xa0;; essayez %3</translation>
    </message>
    <message>
        <source>&apos;%1&apos; at %2 is not an address range such as 10.0.0.0/8</source>
        <translation>&apos;%1&apos; en position %2 n&apos;est pas une plage d&apos;adresses comme 10.0.0.0/8</translation>
    </message>
    <message>
        <source>empty value at %1 matches nothing</source>
        <translation>la valeur vide en position %1 ne correspond à rien</translation>
    </message>
    <message>
        <source>unexpected &apos;%1&apos; at %2 after the closing quote; add a space</source>
        <translation>&apos;%1&apos; inattendu en position %2 après le guillemet fermant&#xa0;; ajoutez une espace</translation>
    </message>
    <message>
        <source>the quote at %1 is never closed</source>
        <translation>le guillemet en position %1 n&apos;est jamais fermé</translation>
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
        <translation>%1, %2 alertes</translation>
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
        <translation>sévérité %1 (risque %2)</translation>
    </message>
    <message>
        <source>Alert %1</source>
        <translation>Alerte %1</translation>
    </message>
    <message>
        <source>%1 alerts in the queue for this user</source>
        <translation>%1 alertes dans la file pour cet utilisateur</translation>
    </message>
    <message>
        <source>Risk %1</source>
        <translation>Risque %1</translation>
    </message>
    <message>
        <source>Risk %1 · recent: %2</source>
        <extracomment>Risk now, then the recent samples oldest first: &quot;Risk 94 · recent: 20 → 45 → 94&quot;.</extracomment>
        <translation>Risque %1 · récent&#xa0;: %2</translation>
    </message>
    <message>
        <source>The suspension of %1 was due at %2; the safety net is deciding now</source>
        <translation>La suspension de %1 était prévue à %2&#xa0;; le filet de sécurité décide maintenant</translation>
    </message>
    <message>
        <source>Vigil suspends %1 at %2 (%3) unless someone holds (a) or cancels (o) it</source>
        <translation>Vigil suspend %1 à %2 (%3) sauf si quelqu&apos;un retient (a) ou annule (o) la suspension</translation>
    </message>
    <message>
        <source>Suspension recommended: an analyst decides (s to suspend)</source>
        <translation>Suspension recommandée&#xa0;: un analyste décide (s pour suspendre)</translation>
    </message>
    <message>
        <source>No automatic suspension is scheduled</source>
        <translation>Aucune suspension automatique n&apos;est programmée</translation>
    </message>
    <message>
        <source>Opened %1
Last activity %2 (%3)</source>
        <translation>Ouverte&#xa0;: %1
Dernière activité&#xa0;: %2 (%3)</translation>
    </message>
    <message>
        <source>No source address</source>
        <translation>Pas d&apos;adresse source</translation>
    </message>
    <message>
        <source>Country unknown</source>
        <translation>Pays inconnu</translation>
    </message>
    <message>
        <source>Nobody is assigned</source>
        <translation>Personne n&apos;est assigné</translation>
    </message>
    <message>
        <source>Assigned to %1</source>
        <translation>Assignée à %1</translation>
    </message>
    <message>
        <source>%1 severity</source>
        <translation>sévérité %1</translation>
    </message>
    <message>
        <source>Suspends %1</source>
        <translation>Suspension %1</translation>
    </message>
    <message>
        <source>No suspension scheduled</source>
        <translation>Aucune suspension programmée</translation>
    </message>
    <message>
        <source>Unassigned</source>
        <translation>Non assignée</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>Sévérité</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Utilisateur</translation>
    </message>
    <message>
        <source>Risk</source>
        <translation>Risque</translation>
    </message>
    <message>
        <source>Detections</source>
        <translation>Détections</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Statut</translation>
    </message>
    <message>
        <source>Suspends in</source>
        <extracomment>Column header: time left before the automatic suspension.</extracomment>
        <translation>Suspension dans</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>Âge</translation>
    </message>
    <message>
        <source>Source IP</source>
        <translation>IP source</translation>
    </message>
    <message>
        <source>Country</source>
        <translation>Pays</translation>
    </message>
    <message>
        <source>Assignee</source>
        <translation>Assignée à</translation>
    </message>
    <message>
        <source>Risk 0–100 and its recent trend</source>
        <translation>Risque de 0 à 100 et sa tendance récente</translation>
    </message>
    <message>
        <source>Time left before Vigil suspends the account, unless an analyst holds or cancels it</source>
        <translation>Temps restant avant que Vigil suspende le compte, sauf si un analyste retient ou annule la suspension</translation>
    </message>
    <message>
        <source>Time since the alert opened</source>
        <translation>Temps écoulé depuis l&apos;ouverture de l&apos;alerte</translation>
    </message>
</context>
<context>
    <name>AlertQueueView</name>
    <message>
        <source>&amp;Hold</source>
        <translation>Re&amp;tenir</translation>
    </message>
    <message>
        <source>Approve &amp;now</source>
        <translation>Approuver &amp;maintenant</translation>
    </message>
    <message>
        <source>&amp;Cancel suspension…</source>
        <translation>&amp;Annuler la suspension…</translation>
    </message>
    <message>
        <source>&amp;Group by user</source>
        <translation>&amp;Grouper par utilisateur</translation>
    </message>
    <message>
        <source>Keep each user&apos;s alerts together, most dangerous user first (g)</source>
        <translation>Regrouper les alertes de chaque utilisateur, l&apos;utilisateur le plus dangereux en premier (g)</translation>
    </message>
    <message>
        <source>Keys…</source>
        <translation>Touches…</translation>
    </message>
    <message>
        <source>Keyboard shortcuts of the queue (?)</source>
        <translation>Raccourcis clavier de la file (?)</translation>
    </message>
    <message>
        <source>Acknowledge: keep the account active while you look into it (a)</source>
        <translation>Acquitter&#xa0;: garder le compte actif pendant que vous enquêtez (a)</translation>
    </message>
    <message>
        <source>Suspend the account now instead of at the deadline (s)</source>
        <translation>Suspendre le compte maintenant plutôt qu&apos;à l&apos;échéance (s)</translation>
    </message>
    <message>
        <source>Override: cancel the suspension, with a reason for the audit log (o)</source>
        <translation>Outrepasser&#xa0;: annuler la suspension, avec un motif pour le journal d&apos;audit (o)</translation>
    </message>
    <message>
        <source>Alert queue</source>
        <extracomment>The queue&apos;s title line: &quot;Alert queue · 30 alerts · 1 pending suspension · 12 shown&quot;.</extracomment>
        <translation>File d&apos;alertes</translation>
    </message>
    <message>
        <source>No open alerts — Vigil is watching 1 user</source>
        <translation>Aucune alerte ouverte — Vigil surveille 1 utilisateur</translation>
    </message>
    <message>
        <source>No open alerts — Vigil is watching %1 users</source>
        <translation>Aucune alerte ouverte — Vigil surveille %1 utilisateurs</translation>
    </message>
    <message>
        <source>No open alerts — Vigil is watching</source>
        <translation>Aucune alerte ouverte — Vigil surveille</translation>
    </message>
    <message>
        <source>j / k</source>
        <translation>j / k</translation>
    </message>
    <message>
        <source>Next / previous alert (Shift extends the selection)</source>
        <translation>Alerte suivante / précédente (Maj étend la sélection)</translation>
    </message>
    <message>
        <source>x, Space</source>
        <translation>x, Espace</translation>
    </message>
    <message>
        <source>Add or remove the current alert from the selection</source>
        <translation>Ajouter l&apos;alerte courante à la sélection ou l&apos;en retirer</translation>
    </message>
    <message>
        <source>Ctrl+A</source>
        <translation>Ctrl+A</translation>
    </message>
    <message>
        <source>Select every alert in view</source>
        <translation>Sélectionner toutes les alertes affichées</translation>
    </message>
    <message>
        <source>a</source>
        <translation>a</translation>
    </message>
    <message>
        <source>Acknowledge (holds a pending suspension)</source>
        <translation>Acquitter (retient une suspension en attente)</translation>
    </message>
    <message>
        <source>o</source>
        <translation>o</translation>
    </message>
    <message>
        <source>Override: cancel a pending suspension, with a reason</source>
        <translation>Outrepasser&#xa0;: annuler une suspension en attente, avec un motif</translation>
    </message>
    <message>
        <source>s</source>
        <translation>s</translation>
    </message>
    <message>
        <source>Suspend the account now (asks first)</source>
        <translation>Suspendre le compte maintenant (avec confirmation)</translation>
    </message>
    <message>
        <source>r</source>
        <translation>r</translation>
    </message>
    <message>
        <source>Resolve</source>
        <translation>Résoudre</translation>
    </message>
    <message>
        <source>f</source>
        <translation>f</translation>
    </message>
    <message>
        <source>False positive: reason, note, optional suppression</source>
        <translation>Faux positif&#xa0;: motif, note, mise en sourdine facultative</translation>
    </message>
    <message>
        <source>u, Enter</source>
        <translation>u, Entrée</translation>
    </message>
    <message>
        <source>Open the user</source>
        <translation>Ouvrir l&apos;utilisateur</translation>
    </message>
    <message>
        <source>g</source>
        <translation>g</translation>
    </message>
    <message>
        <source>Group by user on or off</source>
        <translation>Activer ou désactiver le regroupement par utilisateur</translation>
    </message>
    <message>
        <source>/</source>
        <translation>/</translation>
    </message>
    <message>
        <source>Filter</source>
        <translation>Filtrer</translation>
    </message>
    <message>
        <source>Esc</source>
        <translation>Échap</translation>
    </message>
    <message>
        <source>In the filter: clear it, then back to the queue</source>
        <translation>Dans le filtre&#xa0;: l&apos;effacer, puis revenir à la file</translation>
    </message>
    <message>
        <source>?</source>
        <translation>?</translation>
    </message>
    <message>
        <source>This list</source>
        <translation>Cette liste</translation>
    </message>
    <message>
        <source>Acknowledge alerts</source>
        <translation>Acquitter des alertes</translation>
    </message>
    <message>
        <source>Acknowledge %1 alerts?</source>
        <translation>Acquitter %1 alertes&#xa0;?</translation>
    </message>
    <message>
        <source>Users: %1</source>
        <translation>Utilisateurs&#xa0;: %1</translation>
    </message>
    <message>
        <source>Pending suspensions among them are held: the accounts stay active until someone decides.</source>
        <translation>Les suspensions en attente parmi elles sont retenues&#xa0;: les comptes restent actifs jusqu&apos;à ce que quelqu&apos;un décide.</translation>
    </message>
    <message>
        <source>Acknowledge %1</source>
        <translation>Acquitter %1</translation>
    </message>
    <message>
        <source>Override the alert for %1</source>
        <translation>Outrepasser l&apos;alerte de %1</translation>
    </message>
    <message>
        <source>Cancel the automatic suspension of %1 and keep the account active?</source>
        <translation>Annuler la suspension automatique de %1 et garder le compte actif&#xa0;?</translation>
    </message>
    <message>
        <source>Override the alert for %1: the automation will not suspend the account for it.</source>
        <translation>Outrepasser l&apos;alerte de %1&#xa0;: l&apos;automatisation ne suspendra pas le compte pour cette alerte.</translation>
    </message>
    <message>
        <source>Override</source>
        <translation>Outrepasser</translation>
    </message>
    <message>
        <source>Override %1 alerts</source>
        <translation>Outrepasser %1 alertes</translation>
    </message>
    <message>
        <source>Override %1 alerts?</source>
        <translation>Outrepasser %1 alertes&#xa0;?</translation>
    </message>
    <message>
        <source>Pending suspensions among them are cancelled; the accounts stay active. Users: %1</source>
        <translation>Les suspensions en attente parmi elles sont annulées&#xa0;; les comptes restent actifs. Utilisateurs&#xa0;: %1</translation>
    </message>
    <message>
        <source>Override %1</source>
        <translation>Outrepasser %1</translation>
    </message>
    <message>
        <source>The reason goes to the audit log with your name.</source>
        <translation>Le motif est consigné dans le journal d&apos;audit avec votre nom.</translation>
    </message>
    <message>
        <source>User confirmed the activity</source>
        <translation>L&apos;utilisateur a confirmé l&apos;activité</translation>
    </message>
    <message>
        <source>Known VPN or travel</source>
        <translation>VPN ou déplacement connu</translation>
    </message>
    <message>
        <source>Executive travelling, verified by phone</source>
        <translation>Dirigeant en déplacement, vérifié par téléphone</translation>
    </message>
    <message>
        <source>Test or service account</source>
        <translation>Compte de test ou de service</translation>
    </message>
    <message>
        <source>Suspend %1</source>
        <translation>Suspendre %1</translation>
    </message>
    <message>
        <source>Suspend the Okta account %1 now?</source>
        <translation>Suspendre maintenant le compte Okta %1&#xa0;?</translation>
    </message>
    <message>
        <source>Suspend %1 accounts</source>
        <translation>Suspendre %1 comptes</translation>
    </message>
    <message>
        <source>Suspend %1 Okta accounts now (%2 alerts)?</source>
        <translation>Suspendre maintenant %1 comptes Okta (%2 alertes)&#xa0;?</translation>
    </message>
    <message>
        <source>Okta signs them out everywhere (sessions and OAuth tokens are revoked) and blocks sign-in until someone unsuspends the account. On-call is updated, and the IT team, the manager and the ticket system are told where that is set up.</source>
        <translation>Okta les déconnecte partout (sessions et jetons OAuth révoqués) et bloque la connexion jusqu&apos;à ce que quelqu&apos;un réactive le compte. L&apos;astreinte est mise à jour, et l&apos;équipe informatique, le manager et l&apos;outil de ticketing sont prévenus lorsque c&apos;est configuré.</translation>
    </message>
    <message>
        <source>Vigil is in monitor mode: this records a suspension recommendation; nothing changes in Okta.</source>
        <translation>Vigil est en mode surveillance&#xa0;: cette action consigne une recommandation de suspension&#xa0;; rien ne change dans Okta.</translation>
    </message>
    <message>
        <source>approved from the alert queue</source>
        <translation>approuvée depuis la file d&apos;alertes</translation>
    </message>
    <message>
        <source>suspended from the alert queue</source>
        <translation>suspendu depuis la file d&apos;alertes</translation>
    </message>
    <message>
        <source>Resolve the alert for %1</source>
        <translation>Résoudre l&apos;alerte de %1</translation>
    </message>
    <message>
        <source>Resolve the alert for %1?</source>
        <translation>Résoudre l&apos;alerte de %1&#xa0;?</translation>
    </message>
    <message>
        <source>Resolve %1 alerts</source>
        <translation>Résoudre %1 alertes</translation>
    </message>
    <message>
        <source>Resolve %1 alerts?</source>
        <translation>Résoudre %1 alertes&#xa0;?</translation>
    </message>
    <message>
        <source>Resolve %1</source>
        <translation>Résoudre %1</translation>
    </message>
    <message>
        <source>Resolving closes the alert and stops its pending automation.</source>
        <translation>La résolution clôt l&apos;alerte et arrête son automatisation en attente.</translation>
    </message>
    <message>
        <source>Contained</source>
        <translation>Menace contenue</translation>
    </message>
    <message>
        <source>Expected activity</source>
        <translation>Activité attendue</translation>
    </message>
    <message>
        <source>Handled in a ticket</source>
        <translation>Traité dans un ticket</translation>
    </message>
    <message>
        <source>Duplicate</source>
        <translation>Doublon</translation>
    </message>
    <message>
        <source>False positive: %1</source>
        <translation>Faux positif&#xa0;: %1</translation>
    </message>
    <message>
        <source>Mark the alert for %1 as a false positive?</source>
        <translation>Marquer l&apos;alerte de %1 comme faux positif&#xa0;?</translation>
    </message>
    <message>
        <source>Mark %1 false positives</source>
        <translation>Marquer %1 faux positifs</translation>
    </message>
    <message>
        <source>Mark %1 alerts as false positives?</source>
        <translation>Marquer %1 alertes comme faux positifs&#xa0;?</translation>
    </message>
    <message>
        <source>Pending suspension</source>
        <translation>Suspension en attente</translation>
    </message>
    <message>
        <source>Pending suspensions</source>
        <translation>Suspensions en attente</translation>
    </message>
    <message>
        <source>Hold (acknowledge)</source>
        <translation>Retenir (acquitter)</translation>
    </message>
    <message>
        <source>Approve suspension now…</source>
        <translation>Approuver la suspension maintenant…</translation>
    </message>
    <message>
        <source>Cancel suspension…</source>
        <translation>Annuler la suspension…</translation>
    </message>
    <message>
        <source>Acknowledge</source>
        <translation>Acquitter</translation>
    </message>
    <message>
        <source>Acknowledge %1 alerts…</source>
        <translation>Acquitter %1 alertes…</translation>
    </message>
    <message>
        <source>Override…</source>
        <translation>Outrepasser…</translation>
    </message>
    <message>
        <source>Override %1 alerts…</source>
        <translation>Outrepasser %1 alertes…</translation>
    </message>
    <message>
        <source>Suspend now…</source>
        <translation>Suspendre maintenant…</translation>
    </message>
    <message>
        <source>Suspend for %1 alerts…</source>
        <translation>Suspendre pour %1 alertes…</translation>
    </message>
    <message>
        <source>Resolve…</source>
        <translation>Résoudre…</translation>
    </message>
    <message>
        <source>Resolve %1 alerts…</source>
        <translation>Résoudre %1 alertes…</translation>
    </message>
    <message>
        <source>False positive…</source>
        <translation>Faux positif…</translation>
    </message>
    <message>
        <source>Mark %1 false positives…</source>
        <translation>Marquer %1 faux positifs…</translation>
    </message>
    <message>
        <source>Open user</source>
        <translation>Ouvrir l&apos;utilisateur</translation>
    </message>
    <message>
        <source>1 alert</source>
        <translation>1 alerte</translation>
    </message>
    <message>
        <source>%1 alerts</source>
        <translation>%1 alertes</translation>
    </message>
    <message>
        <source>1 pending suspension</source>
        <translation>1 suspension en attente</translation>
    </message>
    <message>
        <source>%1 pending suspensions</source>
        <translation>%1 suspensions en attente</translation>
    </message>
    <message>
        <source>%1 shown</source>
        <translation>%1 affichées</translation>
    </message>
    <message>
        <source>Vigil will suspend %1 unless someone holds or cancels it.</source>
        <translation>Vigil suspendra %1 sauf si quelqu&apos;un retient ou annule la suspension.</translation>
    </message>
    <message>
        <source>Vigil suspends %1 in %2 unless someone holds or cancels it.</source>
        <translation>Vigil suspend %1 dans %2 sauf si quelqu&apos;un retient ou annule la suspension.</translation>
    </message>
    <message>
        <source>The suspension of %1 is due now.</source>
        <translation>La suspension de %1 est due maintenant.</translation>
    </message>
    <message>
        <source>Next pending suspension:</source>
        <translation>Prochaine suspension en attente&#xa0;:</translation>
    </message>
    <message>
        <source>Next pending suspension (hidden by the filter):</source>
        <translation>Prochaine suspension en attente (masquée par le filtre)&#xa0;:</translation>
    </message>
    <message>
        <source>1 more pending.</source>
        <translation>1 autre en attente.</translation>
    </message>
    <message>
        <source>%1 more pending.</source>
        <translation>%1 autres en attente.</translation>
    </message>
    <message>
        <source>No alerts match “%1”; the filter hides 1 alert.</source>
        <translation>Aucune alerte ne correspond à «&#xa0;%1&#xa0;»&#xa0;; le filtre masque 1 alerte.</translation>
    </message>
    <message>
        <source>No alerts match “%1”; the filter hides %2 alerts.</source>
        <translation>Aucune alerte ne correspond à «&#xa0;%1&#xa0;»&#xa0;; le filtre masque %2 alertes.</translation>
    </message>
    <message>
        <source>Press Esc in the filter to clear it.</source>
        <translation>Appuyez sur Échap dans le filtre pour l&apos;effacer.</translation>
    </message>
    <message>
        <source>Unsuspend %1</source>
        <translation>Réactiver %1</translation>
    </message>
    <message>
        <source>Reactivate %1&apos;s Okta account?</source>
        <translation>Réactiver le compte Okta de %1&#xa0;?</translation>
    </message>
    <message>
        <source>Unsuspend</source>
        <translation>Réactiver</translation>
    </message>
    <message>
        <source>Unsuspend %1 accounts</source>
        <translation>Réactiver %1 comptes</translation>
    </message>
    <message>
        <source>Reactivate %1 Okta accounts?</source>
        <translation>Réactiver %1 comptes Okta&#xa0;?</translation>
    </message>
    <message>
        <source>Okta lets the user sign in again; their sessions stay cleared.</source>
        <translation>Okta autorise de nouveau la connexion&#xa0;; les sessions fermées le restent.</translation>
    </message>
    <message>
        <source>Verified with the user</source>
        <translation>Vérifié avec l&apos;utilisateur</translation>
    </message>
    <message>
        <source>Password reset and MFA re-enrolled</source>
        <translation>Mot de passe réinitialisé et MFA réenrôlée</translation>
    </message>
    <message>
        <source>False alarm</source>
        <translation>Fausse alerte</translation>
    </message>
    <message>
        <source>Assign to me</source>
        <translation>M&apos;attribuer</translation>
    </message>
    <message>
        <source>Assign %1 alerts to me</source>
        <translation>M&apos;attribuer %1 alertes</translation>
    </message>
    <message>
        <source>Unsuspend…</source>
        <translation>Réactiver…</translation>
    </message>
</context>
<context>
    <name>AnalystCommand</name>
    <message>
        <source>a command must say who gives it</source>
        <translation>une commande doit indiquer qui la donne</translation>
    </message>
    <message>
        <source>marked a false positive, but not suppressed: %1</source>
        <translation>marquée comme faux positif, mais pas mise en sourdine&#xa0;: %1</translation>
    </message>
    <message>
        <source>unknown command &apos;%1&apos; (one of: %2)</source>
        <translation>commande inconnue &apos;%1&apos; (valeurs possibles&#xa0;: %2)</translation>
    </message>
    <message>
        <source>%1 %2: now %3</source>
        <translation>%1 %2&#xa0;: désormais %3</translation>
    </message>
</context>
<context>
    <name>AuditCommand</name>
    <message>
        <source>Checks or exports Vigil&apos;s hash-chained audit log.
  verify   check every record against the one before it; exit 1 and name the first bad record
  export   write every record as JSON lines or CSV</source>
        <translation>Vérifie ou exporte le journal d&apos;audit de Vigil, chaîné par empreintes.
  verify   vérifier chaque enregistrement par rapport au précédent&#xa0;; code de sortie 1 et signalement du premier enregistrement invalide
  export   écrire chaque enregistrement en JSON Lines ou en CSV</translation>
    </message>
    <message>
        <source>Show this help.</source>
        <translation>Afficher cette aide.</translation>
    </message>
    <message>
        <source>The folder holding Vigil&apos;s database.</source>
        <translation>Le dossier de la base de données de Vigil.</translation>
    </message>
    <message>
        <source>DIR</source>
        <translation>DOSSIER</translation>
    </message>
    <message>
        <source>jsonl (default) or csv.</source>
        <translation>jsonl (par défaut) ou csv.</translation>
    </message>
    <message>
        <source>FORMAT</source>
        <translation>FORMAT</translation>
    </message>
    <message>
        <source>Where to write the export (&apos;-&apos; for standard output).</source>
        <translation>Où écrire l&apos;export (&apos;-&apos; pour la sortie standard).</translation>
    </message>
    <message>
        <source>FILE</source>
        <translation>FICHIER</translation>
    </message>
    <message>
        <source>verify or export</source>
        <translation>verify ou export</translation>
    </message>
    <message>
        <source>say &apos;verify&apos; or &apos;export&apos;</source>
        <translation>indiquez &apos;verify&apos; ou &apos;export&apos;</translation>
    </message>
    <message>
        <source>--format must be jsonl or csv</source>
        <translation>--format doit valoir jsonl ou csv</translation>
    </message>
    <message>
        <source>vigil audit: no Vigil database in %1
</source>
        <translation>vigil audit&#xa0;: aucune base de données Vigil dans %1
</translation>
    </message>
    <message>
        <source>vigil audit: %1
</source>
        <translation>vigil audit&#xa0;: %1
</translation>
    </message>
    <message>
        <source>audit log intact: %1 records, each chained to the one before
</source>
        <translation>journal d&apos;audit intact&#xa0;: %1 enregistrements, chacun chaîné au précédent
</translation>
    </message>
    <message>
        <source>vigil audit: the audit log was tampered with: %1 (first bad record: %2)
</source>
        <translation>vigil audit&#xa0;: le journal d&apos;audit a été altéré&#xa0;: %1 (premier enregistrement invalide&#xa0;: %2)
</translation>
    </message>
    <message>
        <source>vigil audit: cannot write %1: %2
</source>
        <translation>vigil audit&#xa0;: impossible d&apos;écrire %1&#xa0;: %2
</translation>
    </message>
</context>
<context>
    <name>AuditLog</name>
    <message>
        <source>refused to write a secret to the audit log</source>
        <translation>écriture d&apos;un secret dans le journal d&apos;audit refusée</translation>
    </message>
    <message>
        <source>records %1 to %2 are missing</source>
        <translation>les enregistrements %1 à %2 sont manquants</translation>
    </message>
    <message>
        <source>record %1 appears out of order</source>
        <translation>l&apos;enregistrement %1 n&apos;est pas à sa place dans l&apos;ordre</translation>
    </message>
    <message>
        <source>record %1 does not follow the record before it</source>
        <translation>l&apos;enregistrement %1 ne fait pas suite à l&apos;enregistrement précédent</translation>
    </message>
    <message>
        <source>record %1 was changed after it was written</source>
        <translation>l&apos;enregistrement %1 a été modifié après son écriture</translation>
    </message>
    <message>
        <source>the log ends at record %1 but was written up to record %2</source>
        <translation>le journal s&apos;arrête à l&apos;enregistrement %1 alors qu&apos;il a été écrit jusqu&apos;à l&apos;enregistrement %2</translation>
    </message>
    <message>
        <source>the audit log&apos;s head record is missing</source>
        <translation>l&apos;enregistrement de tête du journal d&apos;audit est manquant</translation>
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
        <translation>Automatisation de Vigil</translation>
    </message>
    <message>
        <source>An analyst: %1</source>
        <translation>Un analyste&#xa0;: %1</translation>
    </message>
    <message>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Heure</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Actor</source>
        <translation>Acteur</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Objet</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Détails</translation>
    </message>
</context>
<context>
    <name>AuditText</name>
    <message>
        <source>Decision</source>
        <translation>Décision</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Action</translation>
    </message>
    <message>
        <source>Analyst command</source>
        <translation>Commande d&apos;analyste</translation>
    </message>
    <message>
        <source>Outbound call</source>
        <translation>Appel sortant</translation>
    </message>
    <message>
        <source>State change</source>
        <translation>Changement d&apos;état</translation>
    </message>
    <message>
        <source>%1 → %2</source>
        <translation>%1 → %2</translation>
    </message>
    <message>
        <source>%1 (dry run)</source>
        <translation>%1 (simulation)</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1&#xa0;: %2</translation>
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
        <translation>Tous les types</translation>
    </message>
    <message>
        <source>Anyone</source>
        <translation>Tous les acteurs</translation>
    </message>
    <message>
        <source>Vigil (automation)</source>
        <translation>Vigil (automatisation)</translation>
    </message>
    <message>
        <source>Analysts</source>
        <translation>Analystes</translation>
    </message>
    <message>
        <source>Alert or user</source>
        <translation>Alerte ou utilisateur</translation>
    </message>
    <message>
        <source>Search details, hashes, #seq</source>
        <translation>Rechercher dans les détails, empreintes, #seq</translation>
    </message>
    <message>
        <source>Verify chain</source>
        <translation>Vérifier la chaîne</translation>
    </message>
    <message>
        <source>Recompute every record&apos;s hash and check that each follows the one before</source>
        <translation>Recalculer l&apos;empreinte de chaque enregistrement et vérifier que chacun fait suite au précédent</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Exporter…</translation>
    </message>
    <message>
        <source>Save the whole log, hashes included, as JSON Lines or CSV</source>
        <translation>Enregistrer tout le journal, empreintes comprises, au format JSON Lines ou CSV</translation>
    </message>
    <message>
        <source>Back to the newest records</source>
        <translation>Revenir aux enregistrements les plus récents</translation>
    </message>
    <message>
        <source>Select a record to see it in full</source>
        <translation>Sélectionnez un enregistrement pour l&apos;afficher en entier</translation>
    </message>
    <message>
        <source>Hash</source>
        <translation>Empreinte</translation>
    </message>
    <message>
        <source>Previous hash</source>
        <translation>Empreinte précédente</translation>
    </message>
    <message>
        <source>Counting records…</source>
        <translation>Comptage des enregistrements…</translation>
    </message>
    <message>
        <source>The audit log is empty.</source>
        <translation>Le journal d&apos;audit est vide.</translation>
    </message>
    <message>
        <source>No record matches the filter.</source>
        <translation>Aucun enregistrement ne correspond au filtre.</translation>
    </message>
    <message>
        <source>Showing %1 of %2 records, newest first</source>
        <translation>%1 enregistrements affichés sur %2, les plus récents en premier</translation>
    </message>
    <message>
        <source> (filtered)</source>
        <translation> (filtré)</translation>
    </message>
    <message>
        <source>, from record %1 down</source>
        <translation>, à partir de l&apos;enregistrement %1 en remontant</translation>
    </message>
    <message>
        <source> · scroll for more</source>
        <translation> · faites défiler pour en voir plus</translation>
    </message>
    <message>
        <source>Record %1 · %2</source>
        <translation>Enregistrement %1 · %2</translation>
    </message>
    <message>
        <source>Verifying…</source>
        <translation>Vérification…</translation>
    </message>
    <message>
        <source>Checking every record&apos;s hash and link…</source>
        <translation>Vérification de l&apos;empreinte et du chaînage de chaque enregistrement…</translation>
    </message>
    <message>
        <source>✔ Chain intact: the audit log is empty.</source>
        <translation>✔ Chaîne intacte&#xa0;: le journal d&apos;audit est vide.</translation>
    </message>
    <message>
        <source>✔ Chain intact: %1 records, head %2</source>
        <translation>✔ Chaîne intacte&#xa0;: %1 enregistrements, tête %2</translation>
    </message>
    <message>
        <source>✖ Chain broken at record %1: %2. Records from there on cannot be trusted.</source>
        <translation>✖ Chaîne rompue à l&apos;enregistrement %1&#xa0;: %2. Les enregistrements à partir de celui-ci ne sont pas fiables.</translation>
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
        <translation>Exporter le journal d&apos;audit</translation>
    </message>
    <message>
        <source>Exported %1 records to %2</source>
        <translation>%1 enregistrements exportés vers %2</translation>
    </message>
    <message>
        <source>Could not export to %1: %2</source>
        <translation>Impossible d&apos;exporter vers %1&#xa0;: %2</translation>
    </message>
</context>
<context>
    <name>ChartsPanel</name>
    <message>
        <source>open alerts</source>
        <translation>alertes ouvertes</translation>
    </message>
    <message>
        <source>users</source>
        <translation>utilisateurs</translation>
    </message>
    <message>
        <source>Sign-ins per minute</source>
        <translation>Connexions par minute</translation>
    </message>
    <message>
        <source>success</source>
        <translation>réussite</translation>
    </message>
    <message>
        <source>failure</source>
        <translation>échec</translation>
    </message>
    <message>
        <source>minutes ago</source>
        <translation>minutes écoulées</translation>
    </message>
    <message>
        <source>Open alerts by detection</source>
        <translation>Alertes ouvertes par détection</translation>
    </message>
    <message>
        <source>Risk of the users at risk</source>
        <translation>Risque des utilisateurs à risque</translation>
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
        <translation>Tester à &amp;nouveau</translation>
    </message>
    <message>
        <source>Test the connection</source>
        <translation>Tester la connexion</translation>
    </message>
    <message>
        <source>Vigil asks Okta for one System Log event (GET /api/v1/logs?limit=1), the call its monitoring depends on, and shows what the credential may do.</source>
        <translation>Vigil demande à Okta un événement du System Log (GET /api/v1/logs?limit=1), l&apos;appel dont dépend sa surveillance, et affiche ce que l&apos;identifiant est autorisé à faire.</translation>
    </message>
    <message>
        <source>Asking Okta…</source>
        <translation>Interrogation d&apos;Okta…</translation>
    </message>
    <message>
        <source>Not connected: %1</source>
        <translation>Non connecté&#xa0;: %1</translation>
    </message>
</context>
<context>
    <name>CommandLine</name>
    <message>
        <source>Replay Okta System Log files through the pipeline, print a report</source>
        <translation>Rejouer des fichiers System Log Okta dans le pipeline et afficher un rapport</translation>
    </message>
    <message>
        <source>Run the live pipeline without a window (System Log, Event Hooks)</source>
        <translation>Exécuter le pipeline en direct sans fenêtre (System Log, Event Hooks)</translation>
    </message>
    <message>
        <source>Print the report of what a live run stored</source>
        <translation>Afficher le rapport de ce qu&apos;une exécution en direct a stocké</translation>
    </message>
    <message>
        <source>Show the live pipeline&apos;s health as &apos;vigil serve&apos; last wrote it</source>
        <translation>Afficher l&apos;état de santé du pipeline en direct tel que &apos;vigil serve&apos; l&apos;a écrit en dernier</translation>
    </message>
    <message>
        <source>Check a risk policy file, or print the default policy</source>
        <translation>Vérifier un fichier de politique de risque, ou afficher la politique par défaut</translation>
    </message>
    <message>
        <source>Verify or export the hash-chained audit log</source>
        <translation>Vérifier ou exporter le journal d&apos;audit chaîné par empreintes</translation>
    </message>
    <message>
        <source>List alerts, or acknowledge, override, suspend, resolve one</source>
        <translation>Lister les alertes, ou en acquitter, outrepasser, suspendre ou résoudre une</translation>
    </message>
    <message>
        <source>Usage: vigil [options]            start the console window
       vigil &lt;command&gt; [options]  run a command without a window

Commands:
</source>
        <translation>Utilisation&#xa0;: vigil [options]             démarrer la fenêtre de la console
              vigil &lt;commande&gt; [options]  exécuter une commande sans fenêtre

Commandes&#xa0;:
</translation>
    </message>
    <message>
        <source>Show this help.</source>
        <translation>Afficher cette aide.</translation>
    </message>
    <message>
        <source>Show the version.</source>
        <translation>Afficher la version.</translation>
    </message>
    <message>
        <source>The command to run.</source>
        <translation>La commande à exécuter.</translation>
    </message>
    <message>
        <source>vigil: %1

</source>
        <translation>vigil&#xa0;: %1

</translation>
    </message>
    <message>
        <source>vigil: unknown command &apos;%1&apos;

</source>
        <translation>vigil&#xa0;: commande inconnue &apos;%1&apos;

</translation>
    </message>
    <message>
        <source>vigil %1: %2: %3
</source>
        <translation>vigil %1&#xa0;: %2&#xa0;: %3
</translation>
    </message>
    <message>
        <source>vigil %1: %2

</source>
        <translation>vigil %1&#xa0;: %2

</translation>
    </message>
    <message>
        <source>unexpected argument &apos;%1&apos;</source>
        <translation>argument inattendu &apos;%1&apos;</translation>
    </message>
    <message>
        <source>vigil %1: cannot write the report to %2: %3
</source>
        <translation>vigil %1&#xa0;: impossible d&apos;écrire le rapport dans %2&#xa0;: %3
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
Options&#xa0;:
  -h, --help     Afficher cette aide, ou l&apos;aide d&apos;une commande avec &apos;vigil &lt;commande&gt; --help&apos;
  -v, --version  Afficher la version
  --lang LANGUE  Utiliser la langue LANGUE (en, de, fr) au lieu de celle du système
</translation>
    </message>
    <message>
        <source>Team mode: share postgresql://USER@HOST:PORT/DATABASE with other consoles instead of the SQLite file in the data folder (password from VIGIL_STORE_PASSWORD or the keychain).</source>
        <translation>Mode équipe&#xa0;: partager postgresql://USER@HOST:PORT/DATABASE avec d&apos;autres consoles au lieu du fichier SQLite du dossier de données (mot de passe tiré de VIGIL_STORE_PASSWORD ou du trousseau).</translation>
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
        <translation>un autre processus Vigil reçoit déjà les commandes pour ce dossier de données</translation>
    </message>
    <message>
        <source>the running Vigil did not answer in time</source>
        <translation>le Vigil en cours d&apos;exécution n&apos;a pas répondu à temps</translation>
    </message>
</context>
<context>
    <name>ConnectionSettings</name>
    <message>
        <source>the Okta org URL is empty</source>
        <translation>l&apos;URL de l&apos;organisation Okta est vide</translation>
    </message>
    <message>
        <source>the authentication method must be token or oauth</source>
        <translation>la méthode d&apos;authentification doit être token ou oauth</translation>
    </message>
    <message>
        <source>an OAuth service app needs its client id</source>
        <translation>une application de service OAuth a besoin de son ID client</translation>
    </message>
    <message>
        <source>events must come from somewhere: poll the System Log, receive Event Hooks, or both</source>
        <translation>les événements doivent bien venir de quelque part&#xa0;: interroger le System Log, recevoir des Event Hooks, ou les deux</translation>
    </message>
    <message>
        <source>the mode must be monitor or enforce</source>
        <translation>le mode doit être monitor ou enforce</translation>
    </message>
    <message>
        <source>the auto-suspension delay must be 5 to 60 minutes</source>
        <translation>le délai de suspension automatique doit être compris entre 5 et 60 minutes</translation>
    </message>
</context>
<context>
    <name>ConsoleLauncher</name>
    <message>
        <source>the service app&apos;s private key is not in the keychain (Settings → Okta)</source>
        <translation>la clé privée de l&apos;application de service n&apos;est pas dans le trousseau (Paramètres → Okta)</translation>
    </message>
    <message>
        <source>the Okta API token is not in the keychain (Settings → Okta)</source>
        <translation>le jeton d&apos;API Okta n&apos;est pas dans le trousseau (Paramètres → Okta)</translation>
    </message>
    <message>
        <source>the policy file %1 cannot be used: %2</source>
        <translation>le fichier de politique %1 est inutilisable&#xa0;: %2</translation>
    </message>
    <message>
        <source>the Event Hook listener must be ADDRESS:PORT</source>
        <translation>l&apos;écouteur d&apos;Event Hooks doit être au format ADRESSE:PORT</translation>
    </message>
    <message>
        <source>%1 · team database %2</source>
        <extracomment>Window title in team mode: &quot;Vigil — acme · team database postgresql://soc@db.example:5432/vigil&quot;</extracomment>
        <translation>%1 · base d’équipe %2</translation>
    </message>
</context>
<context>
    <name>DemoMode</name>
    <message>
        <source>the simulated tenant could not listen on loopback</source>
        <translation>le tenant simulé n&apos;a pas pu écouter sur l&apos;interface de bouclage</translation>
    </message>
    <message>
        <source>cannot create a temporary folder: %1</source>
        <translation>impossible de créer un dossier temporaire&#xa0;: %1</translation>
    </message>
    <message>
        <source>demo: simulated Okta org with %1 people at %2 (time runs %3× faster)</source>
        <translation>démo&#xa0;: organisation Okta simulée de %1 personnes sur %2 (le temps s&apos;écoule %3× plus vite)</translation>
    </message>
    <message>
        <source>demo: the simulated org is under attack: %1 against %2 from %3</source>
        <translation>démo&#xa0;: l&apos;organisation simulée est attaquée&#xa0;: %1 contre %2 depuis %3</translation>
    </message>
    <message>
        <source>cannot create the data folder %1</source>
        <translation>impossible de créer le dossier de données %1</translation>
    </message>
</context>
<context>
    <name>DialogPrompter</name>
    <message>
        <source>Reason (required)</source>
        <translation>Motif (obligatoire)</translation>
    </message>
    <message>
        <source>Reason (optional)</source>
        <translation>Motif (facultatif)</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Motif</translation>
    </message>
    <message>
        <source>&amp;Reason:</source>
        <translation>&amp;Motif&#xa0;:</translation>
    </message>
    <message>
        <source>User confirmed the activity</source>
        <translation>L&apos;utilisateur a confirmé l&apos;activité</translation>
    </message>
    <message>
        <source>Known VPN or travel</source>
        <translation>VPN ou déplacement connu</translation>
    </message>
    <message>
        <source>Test or service account</source>
        <translation>Compte de test ou de service</translation>
    </message>
    <message>
        <source>Detection needs tuning (wrong logic)</source>
        <translation>La détection doit être ajustée (logique erronée)</translation>
    </message>
    <message>
        <source>Inaccurate data (wrong location or address)</source>
        <translation>Données inexactes (localisation ou adresse erronée)</translation>
    </message>
    <message>
        <source>Other (say why in the note)</source>
        <translation>Autre (précisez dans la note)</translation>
    </message>
    <message>
        <source>Choose a reason</source>
        <translation>Choisir un motif</translation>
    </message>
    <message>
        <source>What did you check, and who confirmed it?</source>
        <translation>Qu&apos;avez-vous vérifié, et qui l&apos;a confirmé&#xa0;?</translation>
    </message>
    <message>
        <source>&amp;Note:</source>
        <translation>&amp;Note&#xa0;:</translation>
    </message>
    <message>
        <source>Also &amp;suppress new alerts for %1</source>
        <translation>Mettre aussi en &amp;sourdine les nouvelles alertes de %1</translation>
    </message>
    <message>
        <source>hours</source>
        <translation>heures</translation>
    </message>
    <message>
        <source>days</source>
        <translation>jours</translation>
    </message>
    <message>
        <source>&amp;Expires after:</source>
        <translation>&amp;Expire après&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;All detections</source>
        <translation>&amp;Toutes les détections</translation>
    </message>
    <message>
        <source>&amp;Only these detections:</source>
        <translation>&amp;Uniquement ces détections&#xa0;:</translation>
    </message>
    <message>
        <source>The suppression is listed with your name until it expires.</source>
        <translation>La mise en sourdine est affichée avec votre nom jusqu&apos;à son expiration.</translation>
    </message>
    <message>
        <source>Mark false positive</source>
        <translation>Marquer comme faux positif</translation>
    </message>
    <message>
        <source>Mark %1 false positives</source>
        <translation>Marquer %1 faux positifs</translation>
    </message>
    <message>
        <source>Choose a reason.</source>
        <translation>Choisissez un motif.</translation>
    </message>
    <message>
        <source>Say why in the note.</source>
        <translation>Précisez le motif dans la note.</translation>
    </message>
    <message>
        <source>Pick the detections to suppress, or all of them.</source>
        <translation>Choisissez les détections à mettre en sourdine, ou toutes.</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>Autre</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <extracomment>A false positive&apos;s reason followed by the analyst&apos;s note.</extracomment>
        <translation>%1&#xa0;: %2</translation>
    </message>
    <message>
        <source>Alert queue keys</source>
        <translation>Raccourcis de la file d&apos;alertes</translation>
    </message>
</context>
<context>
    <name>EventFilter</name>
    <message>
        <source>&apos;%1&apos; at %2 needs something to exclude, e.g. -user:bob or !type:user.session</source>
        <translation>&apos;%1&apos; en position %2 attend un élément à exclure, par ex. -user:bob ou !type:user.session</translation>
    </message>
    <message>
        <source>empty quotes at %1 match nothing</source>
        <translation>les guillemets vides en position %1 ne correspondent à rien</translation>
    </message>
    <message>
        <source>unknown field &apos;%1&apos; at %2; try %3 (put text with &apos;:&apos; in quotes to search for it)</source>
        <translation>champ inconnu &apos;%1&apos; en position %2&#xa0;; essayez %3 (mettez entre guillemets un texte contenant &apos;:&apos; pour le rechercher)</translation>
    </message>
    <message>
        <source>&apos;%1&apos; at %2 needs a value, e.g. %3</source>
        <translation>&apos;%1&apos; en position %2 attend une valeur, par ex. %3</translation>
    </message>
    <message>
        <source>empty value in the list at %1</source>
        <translation>valeur vide dans la liste en position %1</translation>
    </message>
    <message>
        <source>unexpected quote at %1; quote the whole value, e.g. %2:&quot;a b&quot;</source>
        <translation>guillemet inattendu en position %1&#xa0;; mettez toute la valeur entre guillemets, par ex. %2:&quot;a b&quot;</translation>
    </message>
    <message>
        <source>empty value at %1 matches nothing</source>
        <translation>la valeur vide en position %1 ne correspond à rien</translation>
    </message>
    <message>
        <source>&apos;%1&apos; at %2 cannot be excluded; use %3 instead</source>
        <translation>&apos;%1&apos; en position %2 ne peut pas être exclu&#xa0;; utilisez plutôt %3</translation>
    </message>
    <message>
        <source>&apos;%1&apos; at %2 takes one time, not a list</source>
        <translation>&apos;%1&apos; en position %2 attend un seul moment, pas une liste</translation>
    </message>
    <message>
        <source>&apos;%1&apos; at %2 is not a time; use a span such as 15m, 2h or 7d, today, a date such as 2026-05-01 or a time such as 2026-05-01T13:30</source>
        <translation>&apos;%1&apos; en position %2 n&apos;est pas un moment valide&#xa0;; utilisez une durée comme 15m, 2h ou 7d, today, une date comme 2026-05-01 ou une heure comme 2026-05-01T13:30</translation>
    </message>
    <message>
        <source>&apos;%1&apos; at %2 is not an address range such as 10.0.0.0/8</source>
        <translation>&apos;%1&apos; en position %2 n&apos;est pas une plage d&apos;adresses comme 10.0.0.0/8</translation>
    </message>
    <message>
        <source>since: is not before until:, so nothing can match (at %1)</source>
        <translation>since: n&apos;est pas antérieur à until:, donc rien ne peut correspondre (en position %1)</translation>
    </message>
    <message>
        <source>a space must follow the closing quote at %1</source>
        <translation>une espace doit suivre le guillemet fermant en position %1</translation>
    </message>
    <message>
        <source>the quote at %1 is not closed</source>
        <translation>le guillemet en position %1 n&apos;est pas fermé</translation>
    </message>
</context>
<context>
    <name>EventHookEndpoint</name>
    <message>
        <source>The listener must be ADDRESS:PORT, for instance %1.</source>
        <translation>L&apos;écouteur doit être au format ADRESSE:PORT, par exemple %1.</translation>
    </message>
    <message>
        <source>The public address must be an https:// URL: Okta delivers Event Hooks only over HTTPS with a trusted certificate.</source>
        <translation>L&apos;adresse publique doit être une URL https://&#xa0;: Okta ne livre les Event Hooks qu&apos;en HTTPS, avec un certificat de confiance.</translation>
    </message>
</context>
<context>
    <name>EventHookReceiver</name>
    <message>
        <source>TLS for the hook receiver needs both a certificate and a private key</source>
        <translation>le TLS du récepteur d&apos;Event Hooks exige à la fois un certificat et une clé privée</translation>
    </message>
    <message>
        <source>cannot listen for Event Hooks on %1:%2: %3</source>
        <translation>impossible d&apos;écouter les Event Hooks sur %1:%2&#xa0;: %3</translation>
    </message>
    <message>
        <source>receiving Okta Event Hooks on %1://%2:%3</source>
        <translation>réception des Event Hooks Okta sur %1://%2:%3</translation>
    </message>
    <message>
        <source>this endpoint receives Okta Event Hooks</source>
        <translation>ce point de terminaison reçoit les Event Hooks Okta</translation>
    </message>
    <message>
        <source>answered Okta&apos;s Event Hook verification</source>
        <translation>réponse envoyée à la vérification d&apos;Event Hook d&apos;Okta</translation>
    </message>
    <message>
        <source>only GET (verification) and POST (deliveries) are accepted</source>
        <translation>seules les requêtes GET (vérification) et POST (livraisons) sont acceptées</translation>
    </message>
    <message>
        <source>missing or wrong authorization</source>
        <translation>autorisation absente ou incorrecte</translation>
    </message>
    <message>
        <source>the body must be application/json</source>
        <translation>le corps doit être de type application/json</translation>
    </message>
    <message>
        <source>the body is too large</source>
        <translation>le corps est trop volumineux</translation>
    </message>
    <message>
        <source>Event Hook delivery</source>
        <translation>Livraison d&apos;Event Hook</translation>
    </message>
    <message>
        <source>the events could not be stored</source>
        <translation>les événements n&apos;ont pas pu être stockés</translation>
    </message>
    <message>
        <source>not found</source>
        <translation>introuvable</translation>
    </message>
</context>
<context>
    <name>EventParser</name>
    <message>
        <source>required field &apos;%1&apos; is null</source>
        <translation>le champ obligatoire &apos;%1&apos; est null</translation>
    </message>
    <message>
        <source>field &apos;%1&apos; must be a string, not %2</source>
        <translation>le champ &apos;%1&apos; doit être une chaîne, pas %2</translation>
    </message>
    <message>
        <source>required field &apos;%1&apos; is empty</source>
        <translation>le champ obligatoire &apos;%1&apos; est vide</translation>
    </message>
    <message>
        <source>unparsable timestamp in &apos;published&apos;: &quot;%1&quot;</source>
        <translation>horodatage illisible dans &apos;published&apos;&#xa0;: &quot;%1&quot;</translation>
    </message>
    <message>
        <source>missing required field &apos;%1&apos;</source>
        <translation>champ obligatoire &apos;%1&apos; manquant</translation>
    </message>
    <message>
        <source>invalid JSON: %1</source>
        <translation>JSON invalide&#xa0;: %1</translation>
    </message>
    <message>
        <source>not a JSON object but %1</source>
        <translation>pas un objet JSON mais %1</translation>
    </message>
</context>
<context>
    <name>EventSourcePage</name>
    <message>
        <source>&amp;Poll the System Log (recommended)</source>
        <translation>&amp;Interroger le System Log (recommandé)</translation>
    </message>
    <message>
        <source>Receive Okta &amp;Event Hooks</source>
        <translation>Recevoir les &amp;Event Hooks Okta</translation>
    </message>
    <message>
        <source>Sho&amp;w</source>
        <translation>Affic&amp;her</translation>
    </message>
    <message>
        <source>Where events come from</source>
        <translation>Provenance des événements</translation>
    </message>
    <message>
        <source>Polling reads the System Log every few seconds and catches up after any interruption. Event Hooks push events within a second or two, but need an HTTPS address Okta can reach.</source>
        <translation>L&apos;interrogation lit le System Log toutes les quelques secondes et rattrape son retard après toute interruption. Les Event Hooks transmettent les événements en une ou deux secondes, mais exigent une adresse HTTPS joignable par Okta.</translation>
    </message>
    <message>
        <source>https://vigil-hooks.example.com (your reverse proxy or tunnel)</source>
        <translation>https://vigil-hooks.example.com (votre proxy inverse ou tunnel)</translation>
    </message>
    <message>
        <source>New</source>
        <translation>Nouveau</translation>
    </message>
    <message>
        <source>Generate a new secret (the one shown before stops working once you save)</source>
        <translation>Générer un nouveau secret (celui affiché auparavant cesse de fonctionner dès l&apos;enregistrement)</translation>
    </message>
    <message>
        <source>&amp;Listen on:</source>
        <translation>É&amp;couter sur&#xa0;:</translation>
    </message>
    <message>
        <source>P&amp;ublic HTTPS address:</source>
        <translation>Adresse HTTPS pu&amp;blique&#xa0;:</translation>
    </message>
    <message>
        <source>In the Admin Console: Workflow → Event Hooks → Create Event Hook. Paste these, subscribe to the sign-in, MFA and account events, then Verify while Vigil runs.</source>
        <translation>Dans l&apos;Admin Console&#xa0;: Workflow → Event Hooks → Create Event Hook. Collez ces valeurs, abonnez-vous aux événements de connexion, de MFA et de compte, puis cliquez sur Verify pendant que Vigil tourne.</translation>
    </message>
    <message>
        <source>Endpoint &amp;URL:</source>
        <translation>&amp;URL du point de terminaison&#xa0;:</translation>
    </message>
    <message>
        <source>Authentication field:</source>
        <translation>Champ d&apos;authentification&#xa0;:</translation>
    </message>
    <message>
        <source>Authentication &amp;secret:</source>
        <translation>Secret d&apos;authe&amp;ntification&#xa0;:</translation>
    </message>
    <message>
        <source>Okta cannot reach this computer&apos;s listener by itself. Publish it through your reverse proxy or tunnel, enter that address above, and paste the resulting URL into Okta.</source>
        <translation>Okta ne peut pas joindre par lui-même l&apos;écouteur de cet ordinateur. Publiez-le via votre proxy inverse ou votre tunnel, saisissez cette adresse ci-dessus et collez l&apos;URL obtenue dans Okta.</translation>
    </message>
    <message>
        <source>Forward %1 to the listener on %2. Okta sends the secret in the Authorization header; Vigil refuses every delivery without it.</source>
        <translation>Redirigez %1 vers l&apos;écouteur sur %2. Okta envoie le secret dans l&apos;en-tête Authorization&#xa0;; Vigil refuse toute livraison qui ne le contient pas.</translation>
    </message>
</context>
<context>
    <name>EventStreamModel</name>
    <message>
        <source>Loading…</source>
        <translation>Chargement…</translation>
    </message>
    <message>
        <source>%1 UTC</source>
        <translation>%1 UTC</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Heure</translation>
    </message>
    <message>
        <source>Event type</source>
        <translation>Type d&apos;événement</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Utilisateur</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Résultat</translation>
    </message>
    <message>
        <source>IP</source>
        <translation>IP</translation>
    </message>
    <message>
        <source>The event store is not open.</source>
        <translation>La base d&apos;événements n&apos;est pas ouverte.</translation>
    </message>
</context>
<context>
    <name>EventStreamView</name>
    <message>
        <source>Follow live</source>
        <translation>Suivre en direct</translation>
    </message>
    <message>
        <source>Filter events: user:alice type:user.session ip:10.0.0.0/8 outcome:failure since:2h   (press / to focus)</source>
        <translation>Filtrer les événements&#xa0;: user:alice type:user.session ip:10.0.0.0/8 outcome:failure since:2h   (appuyez sur / pour y accéder)</translation>
    </message>
    <message>
        <source>Terms that must all match: user:, type: (a prefix), ip: (a prefix or a range), outcome:, since: and until: (15m, 2h, 7d, a date or a time), or any text. -term excludes; a,b is either; quote values with spaces.</source>
        <translation>Termes qui doivent tous correspondre&#xa0;: user:, type: (un préfixe), ip: (un préfixe ou une plage), outcome:, since: et until: (15m, 2h, 7d, une date ou une heure), ou tout texte. -terme exclut&#xa0;; a,b signifie l&apos;un ou l&apos;autre&#xa0;; mettez entre guillemets les valeurs contenant des espaces.</translation>
    </message>
    <message>
        <source>Keep the newest event at the top as events are stored. Scrolling down pauses it.</source>
        <translation>Garder l&apos;événement le plus récent en haut au fil du stockage. Faire défiler vers le bas met le suivi en pause.</translation>
    </message>
    <message>
        <source>Select an event to see its JSON as stored.</source>
        <translation>Sélectionnez un événement pour voir son JSON tel que stocké.</translation>
    </message>
    <message>
        <source>⚠ The store could not be read</source>
        <translation>⚠ Impossible de lire la base</translation>
    </message>
    <message>
        <source>Not applied: %1</source>
        <translation>Non appliqué&#xa0;: %1</translation>
    </message>
    <message>
        <source>⚠ Not applied: %1</source>
        <translation>⚠ Non appliqué&#xa0;: %1</translation>
    </message>
    <message>
        <source>Still showing “%1”.</source>
        <translation>Toujours affiché&#xa0;: «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>Counting…</source>
        <translation>Comptage…</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Chargement…</translation>
    </message>
    <message>
        <source>This event is no longer in the store.</source>
        <translation>Cet événement n&apos;est plus dans la base.</translation>
    </message>
    <message>
        <source>1 event</source>
        <translation>1 événement</translation>
    </message>
    <message>
        <source>%1 events</source>
        <translation>%1 événements</translation>
    </message>
    <message>
        <source>1 matching event</source>
        <translation>1 événement correspondant</translation>
    </message>
    <message>
        <source>%1 matching events</source>
        <translation>%1 événements correspondants</translation>
    </message>
</context>
<context>
    <name>FilterBar</name>
    <message>
        <source>&amp;Filter:</source>
        <translation>&amp;Filtre&#xa0;:</translation>
    </message>
    <message>
        <source>text, user:, detection:, country:!US, status:pending, severity&gt;=high, risk&gt;=60  (press / to focus)</source>
        <translation>texte, user:, detection:, country:!US, status:pending, severity&gt;=high, risk&gt;=60  (appuyez sur / pour y accéder)</translation>
    </message>
    <message>
        <source>Alert filter</source>
        <translation>Filtre d&apos;alertes</translation>
    </message>
    <message>
        <source>Filter the queue. Free text matches user, detections, IP and country.
Fields: user: detection: country: status: ip: assignee: severity: risk:
Compare: severity&gt;=high, risk&gt;=60. Exclude: -user:bob or country:!US. Lists: country:US,CA. Quotes: detection:&quot;brute force&quot;.</source>
        <translation>Filtrer la file. Le texte libre porte sur l&apos;utilisateur, les détections, l&apos;IP et le pays.
Champs&#xa0;: user: detection: country: status: ip: assignee: severity: risk:
Comparer&#xa0;: severity&gt;=high, risk&gt;=60. Exclure&#xa0;: -user:bob ou country:!US. Listes&#xa0;: country:US,CA. Guillemets&#xa0;: detection:&quot;brute force&quot;.</translation>
    </message>
    <message>
        <source>Filter error</source>
        <translation>Erreur de filtre</translation>
    </message>
    <message>
        <source>Not applied: %1</source>
        <translation>Non appliqué&#xa0;: %1</translation>
    </message>
    <message>
        <source>⚠ Not applied: %1</source>
        <extracomment>Shown under the filter line; %1 is the parser&apos;s message.</extracomment>
        <translation>⚠ Non appliqué&#xa0;: %1</translation>
    </message>
    <message>
        <source>Still showing “%1”.</source>
        <extracomment>After a filter error: the filter that still applies.</extracomment>
        <translation>Toujours affiché&#xa0;: «&#xa0;%1&#xa0;».</translation>
    </message>
</context>
<context>
    <name>FirstRunWizard</name>
    <message>
        <source>Welcome to Vigil</source>
        <translation>Bienvenue dans Vigil</translation>
    </message>
    <message>
        <source>Org: %1</source>
        <translation>Organisation&#xa0;: %1</translation>
    </message>
    <message>
        <source>Credential: OAuth service app %1</source>
        <translation>Identifiant&#xa0;: application de service OAuth %1</translation>
    </message>
    <message>
        <source>Credential: API token</source>
        <translation>Identifiant&#xa0;: jeton d&apos;API</translation>
    </message>
    <message>
        <source>System Log polling</source>
        <translation>Interrogation du System Log</translation>
    </message>
    <message>
        <source>Event Hooks on %1</source>
        <translation>Event Hooks sur %1</translation>
    </message>
    <message>
        <source>Events: %1</source>
        <translation>Événements&#xa0;: %1</translation>
    </message>
    <message>
        <source> and </source>
        <translation> et </translation>
    </message>
    <message>
        <source>Secrets: the system keychain</source>
        <translation>Secrets&#xa0;: le trousseau système</translation>
    </message>
    <message>
        <source>Mode: monitor</source>
        <translation>Mode&#xa0;: surveillance</translation>
    </message>
    <message>
        <source>Cannot save: %1</source>
        <translation>Enregistrement impossible&#xa0;: %1</translation>
    </message>
    <message>
        <source>Saving the credential to the system keychain…</source>
        <translation>Enregistrement de l&apos;identifiant dans le trousseau système…</translation>
    </message>
    <message>
        <source>Nothing was saved: %1. Unlock the system keychain and try again.</source>
        <translation>Rien n&apos;a été enregistré&#xa0;: %1. Déverrouillez le trousseau système et réessayez.</translation>
    </message>
    <message>
        <source>the settings file %1 cannot be written</source>
        <translation>le fichier de paramètres %1 n&apos;est pas accessible en écriture</translation>
    </message>
    <message>
        <source>Nothing was saved: %1.</source>
        <translation>Rien n&apos;a été enregistré&#xa0;: %1.</translation>
    </message>
</context>
<context>
    <name>IngestHealth</name>
    <message>
        <source>stopped</source>
        <translation>arrêté</translation>
    </message>
    <message>
        <source>starting</source>
        <translation>démarrage</translation>
    </message>
    <message>
        <source>catching up</source>
        <translation>rattrapage</translation>
    </message>
    <message>
        <source>live</source>
        <translation>en direct</translation>
    </message>
    <message>
        <source>waiting</source>
        <translation>en attente</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>échec</translation>
    </message>
    <message>
        <source>lag %1 s</source>
        <translation>retard %1 s</translation>
    </message>
    <message>
        <source>%1 events/min</source>
        <translation>%1 événements/min</translation>
    </message>
    <message>
        <source>%1 requests/min</source>
        <translation>%1 requêtes/min</translation>
    </message>
    <message>
        <source>%1/%2 requests left</source>
        <translation>%1/%2 requêtes restantes</translation>
    </message>
    <message>
        <source>%1 stored</source>
        <translation>%1 stockés</translation>
    </message>
    <message>
        <source>%1 duplicates</source>
        <translation>%1 doublons</translation>
    </message>
    <message>
        <source>%1 rejected</source>
        <translation>%1 rejetés</translation>
    </message>
    <message>
        <source>last error: %1</source>
        <translation>dernière erreur&#xa0;: %1</translation>
    </message>
</context>
<context>
    <name>InputReader</name>
    <message>
        <source>cannot read %1: %2</source>
        <translation>impossible de lire %1&#xa0;: %2</translation>
    </message>
    <message>
        <source>cannot read standard input</source>
        <translation>impossible de lire l&apos;entrée standard</translation>
    </message>
    <message>
        <source>invalid JSON document, reading stopped here: %1</source>
        <translation>document JSON invalide, lecture arrêtée ici&#xa0;: %1</translation>
    </message>
</context>
<context>
    <name>Language</name>
    <message>
        <source>--lang needs a language: %1</source>
        <translation>--lang attend une langue&#xa0;: %1</translation>
    </message>
    <message>
        <source>unknown language &apos;%1&apos;; Vigil speaks %2</source>
        <translation>langue inconnue &apos;%1&apos;&#xa0;; Vigil parle %2</translation>
    </message>
</context>
<context>
    <name>LivePipeline</name>
    <message>
        <source>restored %1 baselines and re-scored %2 stored events</source>
        <translation>%1 profils de référence restaurés et %2 événements stockés réévalués</translation>
    </message>
    <message>
        <source>could not save %1 baselines: %2</source>
        <translation>impossible d&apos;enregistrer %1 profils de référence&#xa0;: %2</translation>
    </message>
</context>
<context>
    <name>LiveSession</name>
    <message>
        <source>no Okta credential: set VIGIL_OKTA_TOKEN (API token), or VIGIL_OKTA_CLIENT_ID and VIGIL_OKTA_PRIVATE_KEY_FILE (OAuth service app)</source>
        <translation>aucun identifiant Okta&#xa0;: définissez VIGIL_OKTA_TOKEN (jeton d&apos;API), ou VIGIL_OKTA_CLIENT_ID et VIGIL_OKTA_PRIVATE_KEY_FILE (application de service OAuth)</translation>
    </message>
    <message>
        <source>team: %1 is now %2 (%3)</source>
        <translation>équipe&#xa0;: %1 est maintenant %2 (%3)</translation>
    </message>
    <message>
        <source>store %1: %2 events; re-scored the last %3 of them</source>
        <translation>base %1&#xa0;: %2 événements&#xa0;; les %3 derniers réévalués</translation>
    </message>
    <message>
        <source>alert opened: %1, risk %2 (%3): %4</source>
        <translation>alerte ouverte&#xa0;: %1, risque %2 (%3)&#xa0;: %4</translation>
    </message>
    <message>
        <source>alert updated: %1, risk %2 (%3): %4</source>
        <translation>alerte mise à jour&#xa0;: %1, risque %2 (%3)&#xa0;: %4</translation>
    </message>
    <message>
        <source>team: leading; scored %1 events stored by other consoles</source>
        <translation>équipe&#xa0;: console principale&#xa0;; %1 événements stockés par d&apos;autres consoles évalués</translation>
    </message>
    <message>
        <source>team: following; another console runs the automation</source>
        <translation>équipe&#xa0;: console secondaire&#xa0;; une autre console exécute l&apos;automatisation</translation>
    </message>
    <message>
        <source>analyst commands from &apos;vigil alert&apos; will not reach this process: %1</source>
        <translation>les commandes d&apos;analyste de &apos;vigil alert&apos; n&apos;atteindront pas ce processus&#xa0;: %1</translation>
    </message>
    <message>
        <source>no baseline yet for this user</source>
        <translation>pas encore de profil de référence pour cet utilisateur</translation>
    </message>
    <message>
        <source>the automation core is not running</source>
        <translation>le moteur d&apos;automatisation n&apos;est pas en cours d&apos;exécution</translation>
    </message>
    <message>
        <source>already %1</source>
        <translation>déjà à l&apos;état %1</translation>
    </message>
    <message>
        <source>team: acting on %1 alerts that changed while this console followed</source>
        <translation>équipe&#xa0;: traitement de %1 alertes modifiées pendant que cette console suivait</translation>
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
        <translation>Aucune organisation Okta n&apos;est connectée.
Lancez &apos;vigil --demo&apos; pour observer l&apos;organisation simulée, &apos;vigil serve&apos; pour une organisation réelle, ou
&apos;vigil replay --input FICHIER&apos; pour analyser un export du System Log Okta.</translation>
    </message>
    <message>
        <source>No Okta tenant connected</source>
        <translation>Aucun tenant Okta connecté</translation>
    </message>
    <message>
        <source>Store unavailable</source>
        <translation>Base indisponible</translation>
    </message>
    <message>
        <source>Store %1 events · %2</source>
        <extracomment>Status bar: number of stored Okta events and the database size, e.g. &quot;Store 12,345 events · 3.2 MB&quot;</extracomment>
        <translation>Base&#xa0;: %1 événements · %2</translation>
    </message>
    <message>
        <source>&amp;Vigil</source>
        <translation>&amp;Vigil</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Paramètres…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quitter</translation>
    </message>
    <message>
        <source>V&amp;iew</source>
        <translation>&amp;Affichage</translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation>&amp;Thème</translation>
    </message>
    <message>
        <source>&amp;Reset Layout</source>
        <translation>&amp;Réinitialiser la disposition</translation>
    </message>
    <message>
        <source>The console&apos;s layout returns to its defaults at the next start.</source>
        <translation>La disposition de la console reviendra à ses valeurs par défaut au prochain démarrage.</translation>
    </message>
    <message>
        <source>Settings saved. Restart Vigil to connect with them; secrets are in the system keychain.</source>
        <translation>Paramètres enregistrés. Redémarrez Vigil pour vous connecter avec ces paramètres&#xa0;; les secrets sont dans le trousseau système.</translation>
    </message>
    <message>
        <source>Map</source>
        <translation>Carte</translation>
    </message>
    <message>
        <source>Charts</source>
        <translation>Graphiques</translation>
    </message>
    <message>
        <source>What Vigil does appears here.</source>
        <translation>Les actions de Vigil s&apos;affichent ici.</translation>
    </message>
    <message>
        <source>Activity</source>
        <translation>Activité</translation>
    </message>
    <message>
        <source>Poll ● %1%2</source>
        <translation>Interrogation ● %1%2</translation>
    </message>
    <message>
        <source>starting</source>
        <translation>démarrage</translation>
    </message>
    <message>
        <source> · lag %1 s</source>
        <translation> · retard %1 s</translation>
    </message>
    <message>
        <source>%1 req left</source>
        <translation>%1 req. restantes</translation>
    </message>
    <message>
        <source>Hooks %1 events</source>
        <translation>Hooks&#xa0;: %1 événements</translation>
    </message>
    <message>
        <source>%1 sign-ins/min, %2 failed</source>
        <translation>%1 connexions/min, %2 en échec</translation>
    </message>
    <message>
        <source>Mode: %1</source>
        <translation>Mode&#xa0;: %1</translation>
    </message>
    <message>
        <source>ENFORCE</source>
        <translation>INTERVENTION</translation>
    </message>
    <message>
        <source>monitor</source>
        <translation>surveillance</translation>
    </message>
    <message>
        <source>Vigil acts on Okta: step-up and suspension</source>
        <translation>Vigil agit sur Okta&#xa0;: authentification renforcée et suspension</translation>
    </message>
    <message>
        <source>Vigil decides and records; it changes nothing in Okta</source>
        <translation>Vigil décide et consigne&#xa0;; il ne modifie rien dans Okta</translation>
    </message>
    <message>
        <source>Breaker: OPEN (step-up only)</source>
        <translation>Disjoncteur&#xa0;: OUVERT (authentification renforcée uniquement)</translation>
    </message>
    <message>
        <source>Breaker: closed</source>
        <translation>Disjoncteur&#xa0;: fermé</translation>
    </message>
    <message>
        <source>%1 %2 alert: %3</source>
        <translation>%1 Alerte %2&#xa0;: %3</translation>
    </message>
    <message>
        <source>Risk %1 — %2</source>
        <translation>Risque %1 — %2</translation>
    </message>
    <message>
        <source>Auto-suspension pending: open Vigil to hold or cancel.</source>
        <translation>Suspension automatique en attente&#xa0;: ouvrez Vigil pour la retenir ou l&apos;annuler.</translation>
    </message>
    <message>
        <source>%1 refused: %2</source>
        <translation>%1 refusé&#xa0;: %2</translation>
    </message>
    <message>
        <source>Show Vigil</source>
        <translation>Afficher Vigil</translation>
    </message>
    <message>
        <source>Latest alerts</source>
        <translation>Dernières alertes</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Ouvrir</translation>
    </message>
    <message>
        <source>Hold (acknowledge)</source>
        <translation>Retenir (acquitter)</translation>
    </message>
    <message>
        <source>Suspend now…</source>
        <translation>Suspendre maintenant…</translation>
    </message>
    <message>
        <source>Cancel suspension…</source>
        <translation>Annuler la suspension…</translation>
    </message>
    <message>
        <source>Resolve…</source>
        <translation>Résoudre…</translation>
    </message>
    <message>
        <source>False positive…</source>
        <translation>Faux positif…</translation>
    </message>
    <message>
        <source>Quit Vigil</source>
        <translation>Quitter Vigil</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Utilisateur</translation>
    </message>
    <message>
        <source>Stored history unavailable: %1</source>
        <translation>Historique stocké indisponible&#xa0;: %1</translation>
    </message>
    <message>
        <source>Events</source>
        <translation>Événements</translation>
    </message>
    <message>
        <source>&amp;Policy and Blast Radius…</source>
        <translation>P&amp;olitique et rayon d&apos;impact…</translation>
    </message>
    <message>
        <source>policy saved to %1; it takes effect when Vigil next connects</source>
        <translation>politique enregistrée dans %1&#xa0;; elle prendra effet à la prochaine connexion de Vigil</translation>
    </message>
    <message>
        <source>Policy saved to %1. Vigil applies it at the next start (Settings → Policy file).</source>
        <translation>Politique enregistrée dans %1. Vigil l&apos;appliquera au prochain démarrage (Paramètres → Fichier de politique).</translation>
    </message>
    <message>
        <source>Audit</source>
        <translation>Audit</translation>
    </message>
    <message>
        <source>Team: database unreachable</source>
        <translation>Équipe&#xa0;: base de données injoignable</translation>
    </message>
    <message numerus="yes">
        <source>Team: this console leads · %n connected</source>
        <translation>
            <numerusform>Équipe&#xa0;: cette console pilote · %n connectée</numerusform>
            <numerusform>Équipe&#xa0;: cette console pilote · %n connectées</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Team: %1 leads · %n connected</source>
        <translation>
            <numerusform>Équipe&#xa0;: %1 pilote · %n connectée</numerusform>
            <numerusform>Équipe&#xa0;: %1 pilote · %n connectées</numerusform>
        </translation>
    </message>
    <message>
        <source>nobody</source>
        <translation>personne</translation>
    </message>
    <message>
        <source>Consoles on the shared database:
%1</source>
        <translation>Consoles sur la base de données partagée&#xa0;:
%1</translation>
    </message>
    <message>
        <source>Team database %1 · %2 events · %3</source>
        <extracomment>Status bar in team mode: &quot;Team database postgresql://soc@db:5432/vigil · 12,345 events · 3.2 GB&quot;</extracomment>
        <translation>Base d’équipe %1 · %2 événements · %3</translation>
    </message>
</context>
<context>
    <name>MonitorModeBanner</name>
    <message>
        <source>Open &amp;settings…</source>
        <translation>Ouvrir les &amp;paramètres…</translation>
    </message>
    <message>
        <source>&amp;Hide</source>
        <translation>&amp;Masquer</translation>
    </message>
    <message>
        <source>Monitor mode</source>
        <translation>Mode surveillance</translation>
    </message>
    <message>
        <source>&lt;b&gt;Monitor mode.&lt;/b&gt; Vigil scores risk, opens alerts and records what it would do, but changes nothing in Okta: no step-up, no session ended, no account suspended. To let it act, open Settings → Automation → Mode and choose Enforce; Vigil asks you to type the org&apos;s name first.</source>
        <translation>&lt;b&gt;Mode surveillance.&lt;/b&gt; Vigil évalue le risque, ouvre des alertes et consigne ce qu&apos;il ferait, mais ne modifie rien dans Okta&#xa0;: aucune authentification renforcée, aucune session fermée, aucun compte suspendu. Pour le laisser agir, ouvrez Paramètres → Automatisation → Mode et choisissez Intervention&#xa0;; Vigil vous demande d&apos;abord de saisir le nom de l&apos;organisation.</translation>
    </message>
    <message>
        <source>Hide until Vigil restarts; the status bar still shows the mode.</source>
        <translation>Masquer jusqu&apos;au redémarrage de Vigil&#xa0;; la barre d&apos;état affiche toujours le mode.</translation>
    </message>
</context>
<context>
    <name>MonitorModePage</name>
    <message>
        <source>Vigil starts in monitor mode</source>
        <translation>Vigil démarre en mode surveillance</translation>
    </message>
    <message>
        <source>It scores risk, opens alerts and records what it would do — step-up MFA, a page, a suspension — without changing anything in Okta.</source>
        <translation>Il évalue le risque, ouvre des alertes et consigne ce qu&apos;il ferait — authentification MFA renforcée, appel d&apos;astreinte, suspension — sans rien modifier dans Okta.</translation>
    </message>
    <message>
        <source>&amp;Start monitoring</source>
        <translation>&amp;Démarrer la surveillance</translation>
    </message>
    <message>
        <source>Watch its alerts for a few days and compare them with what you know about your users before you let it act.</source>
        <translation>Observez ses alertes pendant quelques jours et comparez-les à ce que vous savez de vos utilisateurs avant de le laisser agir.</translation>
    </message>
    <message>
        <source>To let Vigil act later: Vigil → Settings… → Automation → Mode → Enforce. It asks you to type the org&apos;s name before it switches; a service app then also needs the okta.users.manage and okta.groups.manage scopes.</source>
        <translation>Pour laisser Vigil agir plus tard&#xa0;: Vigil → Paramètres… → Automatisation → Mode → Intervention. Il vous demande de saisir le nom de l&apos;organisation avant de basculer&#xa0;; une application de service a alors aussi besoin des scopes okta.users.manage et okta.groups.manage.</translation>
    </message>
</context>
<context>
    <name>OAuthServiceAppAuthenticator</name>
    <message>
        <source>the OAuth service app has no client ID</source>
        <translation>l&apos;application de service OAuth n&apos;a pas d&apos;ID client</translation>
    </message>
    <message>
        <source>the private key of %1 cannot be used: %2</source>
        <translation>la clé privée de %1 est inutilisable&#xa0;: %2</translation>
    </message>
    <message>
        <source>OAuth service app %1</source>
        <translation>l&apos;application de service OAuth %1</translation>
    </message>
    <message>
        <source>no random bytes for the client assertion (%1)</source>
        <translation>aucun octet aléatoire disponible pour l&apos;assertion client (%1)</translation>
    </message>
    <message>
        <source>cannot reach Okta&apos;s token endpoint for the %1: %2</source>
        <translation>impossible de joindre le point de terminaison de jeton d&apos;Okta pour %1&#xa0;: %2</translation>
    </message>
    <message>
        <source>Okta refused the %1 (%2)</source>
        <translation>Okta a refusé %1 (%2)</translation>
    </message>
    <message>
        <source>Okta&apos;s token endpoint failed for the %1 (%2)</source>
        <translation>le point de terminaison de jeton d&apos;Okta a échoué pour %1 (%2)</translation>
    </message>
    <message>
        <source>the %1 requires DPoP-bound tokens, which Vigil does not support: turn off &quot;Require DPoP&quot; for the app in Okta</source>
        <translation>%1 exige des jetons liés par DPoP, que Vigil ne prend pas en charge&#xa0;: désactivez «&#xa0;Require DPoP&#xa0;» pour l&apos;application dans Okta</translation>
    </message>
    <message>
        <source>Okta&apos;s token endpoint answered the %1 without a usable Bearer token</source>
        <translation>le point de terminaison de jeton d&apos;Okta a répondu à %1 sans jeton Bearer utilisable</translation>
    </message>
    <message>
        <source>fetched an access token for the %1 (valid %2 s, scopes: %3)</source>
        <translation>jeton d&apos;accès obtenu pour %1 (valable %2 s, scopes&#xa0;: %3)</translation>
    </message>
</context>
<context>
    <name>Okta</name>
    <message>
        <source>the body is not valid JSON (%1 bytes): %2</source>
        <translation>le corps n&apos;est pas du JSON valide (%1 octets)&#xa0;: %2</translation>
    </message>
    <message>
        <source>a System Log page must be a JSON array</source>
        <translation>une page du System Log doit être un tableau JSON</translation>
    </message>
    <message>
        <source>an Event Hook delivery must hold data.events as an array</source>
        <translation>une livraison d&apos;Event Hook doit contenir data.events sous forme de tableau</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a URL</source>
        <translation>&apos;%1&apos; n&apos;est pas une URL</translation>
    </message>
    <message>
        <source>&apos;%1&apos; must use https:// (http:// is only allowed on loopback)</source>
        <translation>&apos;%1&apos; doit utiliser https:// (http:// n&apos;est autorisé qu&apos;en bouclage local)</translation>
    </message>
    <message>
        <source>&apos;%1&apos; must be an https:// URL</source>
        <translation>&apos;%1&apos; doit être une URL https://</translation>
    </message>
    <message>
        <source>&apos;%1&apos; must be the org&apos;s address only, e.g. https://acme.okta.com</source>
        <translation>&apos;%1&apos; doit être uniquement l&apos;adresse de l&apos;organisation, par ex. https://acme.okta.com</translation>
    </message>
    <message>
        <source>HTTP %1, %2: %3</source>
        <translation>HTTP %1, %2&#xa0;: %3</translation>
    </message>
    <message>
        <source>HTTP %1</source>
        <translation>HTTP %1</translation>
    </message>
    <message>
        <source>unknown OpenSSL error</source>
        <translation>erreur OpenSSL inconnue</translation>
    </message>
    <message>
        <source>no private key was given</source>
        <translation>aucune clé privée fournie</translation>
    </message>
    <message>
        <source>the private key is not an unencrypted PEM key (%1)</source>
        <translation>la clé privée n&apos;est pas une clé PEM non chiffrée (%1)</translation>
    </message>
    <message>
        <source>the private key is not an RSA key (RS256 needs one)</source>
        <translation>la clé privée n&apos;est pas une clé RSA (RS256 l&apos;exige)</translation>
    </message>
    <message>
        <source>could not sign the client assertion (%1)</source>
        <translation>impossible de signer l&apos;assertion client (%1)</translation>
    </message>
    <message>
        <source>API token</source>
        <translation>le jeton d&apos;API</translation>
    </message>
</context>
<context>
    <name>OktaConnectionCheck</name>
    <message>
        <source>The org URL cannot be used.</source>
        <translation>L&apos;URL de l&apos;organisation est inutilisable.</translation>
    </message>
    <message>
        <source>The service app needs its client id and private key.</source>
        <translation>L&apos;application de service a besoin de son ID client et de sa clé privée.</translation>
    </message>
    <message>
        <source>Type the API token first.</source>
        <translation>Saisissez d&apos;abord le jeton d&apos;API.</translation>
    </message>
    <message>
        <source>Okta did not issue an access token to the service app.</source>
        <translation>Okta n&apos;a pas délivré de jeton d&apos;accès à l&apos;application de service.</translation>
    </message>
    <message>
        <source>Check the client id, that the app uses public key / private key authentication with this key (and key id), and that it is granted these Okta API scopes: %1.</source>
        <translation>Vérifiez l&apos;ID client, que l&apos;application utilise l&apos;authentification par clé publique / clé privée avec cette clé (et cet ID de clé), et qu&apos;elle dispose des scopes d&apos;API Okta suivants&#xa0;: %1.</translation>
    </message>
    <message>
        <source>Connected to %1: Okta answered GET /api/v1/logs.</source>
        <translation>Connecté à %1&#xa0;: Okta a répondu à GET /api/v1/logs.</translation>
    </message>
    <message>
        <source>The service app&apos;s token reads the System Log with the scopes Okta granted.</source>
        <translation>Le jeton de l&apos;application de service lit le System Log avec les scopes accordés par Okta.</translation>
    </message>
    <message>
        <source>The API token is valid and reads the System Log. API tokens carry no scopes: they act with the admin role of the person who created them, so create Vigil&apos;s token as a Read-only Administrator for monitor mode.</source>
        <extracomment>SSWS = Okta&apos;s API token scheme; keep the technical terms.</extracomment>
        <translation>Le jeton d&apos;API est valide et lit le System Log. Les jetons d&apos;API n&apos;ont pas de scopes&#xa0;: ils agissent avec le rôle d&apos;administrateur de la personne qui les a créés&#xa0;; créez donc le jeton de Vigil avec le rôle Read-only Administrator pour le mode surveillance.</translation>
    </message>
    <message>
        <source>The System Log returned an event, so Vigil will see sign-ins.</source>
        <translation>Le System Log a renvoyé un événement&#xa0;: Vigil verra donc les connexions.</translation>
    </message>
    <message>
        <source>System Log rate limit: %1 of %2 requests left in this window.</source>
        <translation>Limite de débit du System Log&#xa0;: %1 requêtes restantes sur %2 dans cette fenêtre.</translation>
    </message>
    <message>
        <source>Cannot reach %1.</source>
        <translation>Impossible de joindre %1.</translation>
    </message>
    <message>
        <source>%1. Check the org URL, and that this workstation can reach Okta (proxy, firewall, VPN).</source>
        <translation>%1. Vérifiez l&apos;URL de l&apos;organisation, et que ce poste peut joindre Okta (proxy, pare-feu, VPN).</translation>
    </message>
    <message>
        <source>%1 redirects the API elsewhere.</source>
        <translation>%1 redirige l&apos;API ailleurs.</translation>
    </message>
    <message>
        <source>Okta answered with a redirect to %1. Use the org&apos;s own address (https://&lt;org&gt;.okta.com), not a custom or admin domain.</source>
        <translation>Okta a répondu par une redirection vers %1. Utilisez l&apos;adresse propre de l&apos;organisation (https://&lt;org&gt;.okta.com), et non un domaine personnalisé ou d&apos;administration.</translation>
    </message>
    <message>
        <source>Okta refused the service app&apos;s access token (%1).</source>
        <translation>Okta a refusé le jeton d&apos;accès de l&apos;application de service (%1).</translation>
    </message>
    <message>
        <source>Check that the app is an API Services app of this org and is still active.</source>
        <translation>Vérifiez que l&apos;application est une application API Services de cette organisation et qu&apos;elle est toujours active.</translation>
    </message>
    <message>
        <source>Okta refused the API token (%1).</source>
        <translation>Okta a refusé le jeton d&apos;API (%1).</translation>
    </message>
    <message>
        <source>Check that the whole token was copied and that it is still active: Okta revokes a token that was not used for 30 days, and every token of an admin who is deactivated.</source>
        <translation>Vérifiez que le jeton a été copié en entier et qu&apos;il est toujours actif&#xa0;: Okta révoque un jeton inutilisé depuis 30 jours, ainsi que tous les jetons d&apos;un administrateur désactivé.</translation>
    </message>
    <message>
        <source>The credential is valid but may not read the System Log (%1).</source>
        <translation>L&apos;identifiant est valide mais n&apos;a peut-être pas le droit de lire le System Log (%1).</translation>
    </message>
    <message>
        <source>Grant the service app the okta.logs.read and okta.users.read scopes (Okta API Scopes tab) and assign it the Read-only Administrator role.</source>
        <translation>Accordez à l&apos;application de service les scopes okta.logs.read et okta.users.read (onglet Okta API Scopes) et attribuez-lui le rôle Read-only Administrator.</translation>
    </message>
    <message>
        <source>Create the token as an admin with at least the Read-only Administrator role.</source>
        <translation>Créez le jeton en tant qu&apos;administrateur disposant au moins du rôle Read-only Administrator.</translation>
    </message>
    <message>
        <source>Okta&apos;s rate limit for the System Log is used up right now (%1).</source>
        <translation>La limite de débit d&apos;Okta pour le System Log est épuisée pour le moment (%1).</translation>
    </message>
    <message numerus="yes">
        <source>Try again in %n second(s). Other clients use the same limit.</source>
        <translation>
            <numerusform>Réessayez dans %n seconde. D&apos;autres clients utilisent la même limite.</numerusform>
            <numerusform>Réessayez dans %n secondes. D&apos;autres clients utilisent la même limite.</numerusform>
        </translation>
    </message>
    <message>
        <source>Try again in a minute. Other clients use the same limit.</source>
        <translation>Réessayez dans une minute. D&apos;autres clients utilisent la même limite.</translation>
    </message>
    <message>
        <source>Okta answered %1.</source>
        <translation>Okta a répondu %1.</translation>
    </message>
    <message>
        <source>Try again; if it persists, check Okta&apos;s status page.</source>
        <translation>Réessayez&#xa0;; si le problème persiste, consultez la page d&apos;état d&apos;Okta.</translation>
    </message>
    <message>
        <source>Scopes: none (an API token acts with its creator&apos;s admin role).</source>
        <translation>Scopes&#xa0;: aucun (un jeton d&apos;API agit avec le rôle d&apos;administrateur de son créateur).</translation>
    </message>
    <message>
        <source>Scopes granted: none reported by Okta.</source>
        <translation>Scopes accordés&#xa0;: aucun signalé par Okta.</translation>
    </message>
    <message>
        <source>Scopes granted: %1.</source>
        <translation>Scopes accordés&#xa0;: %1.</translation>
    </message>
    <message>
        <source>The System Log has no event from the last 7 days (Okta&apos;s default window); Vigil will read new ones as they arrive.</source>
        <translation>Le System Log ne contient aucun événement des 7 derniers jours (la fenêtre par défaut d&apos;Okta)&#xa0;; Vigil lira les nouveaux au fur et à mesure.</translation>
    </message>
</context>
<context>
    <name>OrgPage</name>
    <message>
        <source>Your Okta org</source>
        <translation>Votre organisation Okta</translation>
    </message>
    <message>
        <source>Vigil reads the System Log with a credential of its own. The secret goes to the system keychain, never to a settings file.</source>
        <translation>Vigil lit le System Log avec son propre identifiant. Le secret est stocké dans le trousseau système, jamais dans un fichier de paramètres.</translation>
    </message>
    <message>
        <source>https://acme.okta.com</source>
        <translation>https://acme.okta.com</translation>
    </message>
    <message>
        <source>API token (SSWS)</source>
        <translation>Jeton d&apos;API (SSWS)</translation>
    </message>
    <message>
        <source>OAuth 2.0 service app (private key JWT)</source>
        <translation>Application de service OAuth 2.0 (JWT à clé privée)</translation>
    </message>
    <message>
        <source>0oa…</source>
        <translation>0oa…</translation>
    </message>
    <message>
        <source>optional, when the app has several keys</source>
        <translation>facultatif, si l&apos;application a plusieurs clés</translation>
    </message>
    <message>
        <source>Org &amp;URL:</source>
        <translation>&amp;URL de l&apos;organisation&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Sign in with:</source>
        <translation>Se connecter &amp;avec&#xa0;:</translation>
    </message>
    <message>
        <source>API &amp;token:</source>
        <translation>&amp;Jeton d&apos;API&#xa0;:</translation>
    </message>
    <message>
        <source>Admin Console → Security → API → Tokens. Create it while signed in as a Read-only Administrator: an API token acts with the role of the admin who created it.</source>
        <translation>Admin Console → Security → API → Tokens. Créez-le en étant connecté avec le rôle Read-only Administrator&#xa0;: un jeton d&apos;API agit avec le rôle de l&apos;administrateur qui l&apos;a créé.</translation>
    </message>
    <message>
        <source>&amp;Load from file…</source>
        <translation>&amp;Charger depuis un fichier…</translation>
    </message>
    <message>
        <source>&amp;Client ID:</source>
        <translation>ID c&amp;lient&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Key ID (kid):</source>
        <translation>ID de clé (&amp;kid)&#xa0;:</translation>
    </message>
    <message>
        <source>Admin Console → Applications → Create App Integration → API Services. Use public key / private key client authentication, grant okta.logs.read and okta.users.read on the Okta API Scopes tab, and assign the app the Read-only Administrator role.</source>
        <translation>Admin Console → Applications → Create App Integration → API Services. Utilisez l&apos;authentification client par clé publique / clé privée, accordez okta.logs.read et okta.users.read dans l&apos;onglet Okta API Scopes et attribuez à l&apos;application le rôle Read-only Administrator.</translation>
    </message>
    <message>
        <source>The service app&apos;s private key</source>
        <translation>La clé privée de l&apos;application de service</translation>
    </message>
    <message>
        <source>PEM files (*.pem *.key);;All files (*)</source>
        <translation>Fichiers PEM (*.pem *.key);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>Cannot read %1.</source>
        <translation>Impossible de lire %1.</translation>
    </message>
    <message>
        <source>No key loaded</source>
        <translation>Aucune clé chargée</translation>
    </message>
    <message>
        <source>&amp;Paste</source>
        <translation>C&amp;oller</translation>
    </message>
    <message>
        <source>Use the private key (PEM) on the clipboard</source>
        <translation>Utiliser la clé privée (PEM) du presse-papiers</translation>
    </message>
    <message>
        <source>Private key (PEM):</source>
        <translation>Clé privée (PEM)&#xa0;:</translation>
    </message>
    <message>
        <source>That is not a private key in PEM form (-----BEGIN PRIVATE KEY-----).</source>
        <translation>Ce n&apos;est pas une clé privée au format PEM (-----BEGIN PRIVATE KEY-----).</translation>
    </message>
    <message numerus="yes">
        <source>Private key loaded (%n bytes)</source>
        <extracomment>The key itself is never shown; only that one is loaded and its size.</extracomment>
        <translation>
            <numerusform>Clé privée chargée (%n octet)</numerusform>
            <numerusform>Clé privée chargée (%n octets)</numerusform>
        </translation>
    </message>
    <message>
        <source>Private key stored in the keychain</source>
        <translation>Clé privée stockée dans le trousseau</translation>
    </message>
</context>
<context>
    <name>Outbox</name>
    <message>
        <source>no service named &apos;%1&apos; is configured</source>
        <translation>aucun service nommé &apos;%1&apos; n&apos;est configuré</translation>
    </message>
</context>
<context>
    <name>Policy</name>
    <message>
        <source>%1: unknown key</source>
        <translation>%1&#xa0;: clé inconnue</translation>
    </message>
    <message>
        <source>%1: must be %2, not %3</source>
        <translation>%1&#xa0;: doit être de type %2, et non %3</translation>
    </message>
    <message>
        <source>%1: no range is defined for this number</source>
        <translation>%1&#xa0;: aucune plage n&apos;est définie pour ce nombre</translation>
    </message>
    <message>
        <source>%1: %2 is outside %3 to %4</source>
        <translation>%1&#xa0;: %2 est hors de la plage %3 à %4</translation>
    </message>
    <message>
        <source>%1: must be a whole number, not %2</source>
        <translation>%1&#xa0;: doit être un nombre entier, et non %2</translation>
    </message>
    <message>
        <source>%1[%2]: must be %3</source>
        <translation>%1[%2]&#xa0;: doit être %3</translation>
    </message>
    <message>
        <source>an AS number</source>
        <translation>un numéro d&apos;AS</translation>
    </message>
    <message>
        <source>a non-empty string</source>
        <translation>une chaîne non vide</translation>
    </message>
    <message>
        <source>%1[%2]: &apos;%3&apos; is not a detection (%4)</source>
        <translation>%1[%2]&#xa0;: &apos;%3&apos; n&apos;est pas une détection (%4)</translation>
    </message>
    <message>
        <source>%1[%2]: &apos;%3&apos; is not one of %4</source>
        <translation>%1[%2]&#xa0;: &apos;%3&apos; ne fait pas partie de %4</translation>
    </message>
    <message>
        <source>severity: bands must rise from low to critical (low %1 &lt; medium %2 &lt; high %3 &lt; critical %4)</source>
        <translation>severity&#xa0;: les seuils doivent croître de low à critical (low %1 &lt; medium %2 &lt; high %3 &lt; critical %4)</translation>
    </message>
    <message>
        <source>business_hours: start_hour must come before end_hour</source>
        <translation>business_hours&#xa0;: start_hour doit précéder end_hour</translation>
    </message>
    <message>
        <source>response.mode: must be &quot;monitor&quot; or &quot;enforce&quot;, not &quot;%1&quot;</source>
        <translation>response.mode&#xa0;: doit valoir &quot;monitor&quot; ou &quot;enforce&quot;, et non &quot;%1&quot;</translation>
    </message>
    <message>
        <source>response.page_critical_at: must not be below response.page_at</source>
        <translation>response.page_critical_at&#xa0;: ne doit pas être inférieur à response.page_at</translation>
    </message>
    <message>
        <source>not valid JSON at offset %1: %2</source>
        <translation>JSON invalide à la position %1&#xa0;: %2</translation>
    </message>
    <message>
        <source>the policy must be a JSON object</source>
        <translation>la politique doit être un objet JSON</translation>
    </message>
    <message>
        <source>schema_version: this Vigil reads policy version 1</source>
        <translation>schema_version&#xa0;: cette version de Vigil lit la version 1 des politiques</translation>
    </message>
    <message>
        <source>cannot read %1: %2</source>
        <translation>impossible de lire %1&#xa0;: %2</translation>
    </message>
</context>
<context>
    <name>PolicyCommand</name>
    <message>
        <source>Checks a risk policy file, or prints the default policy.</source>
        <translation>Vérifie un fichier de politique de risque, ou affiche la politique par défaut.</translation>
    </message>
    <message>
        <source>Show this help.</source>
        <translation>Afficher cette aide.</translation>
    </message>
    <message>
        <source>&apos;check FILE&apos; or &apos;defaults&apos;.</source>
        <translation>&apos;check FICHIER&apos; ou &apos;defaults&apos;.</translation>
    </message>
    <message>
        <source>vigil policy: %1

</source>
        <translation>vigil policy&#xa0;: %1

</translation>
    </message>
    <message>
        <source>expected &apos;check FILE&apos; or &apos;defaults&apos;</source>
        <translation>attendu&#xa0;: &apos;check FICHIER&apos; ou &apos;defaults&apos;</translation>
    </message>
    <message>
        <source>%1: valid policy
</source>
        <translation>%1&#xa0;: politique valide
</translation>
    </message>
    <message numerus="yes">
        <source>%1: %n problem(s), policy not valid
</source>
        <translation>
            <numerusform>%1&#xa0;: %n problème, politique non valide
</numerusform>
            <numerusform>%1&#xa0;: %n problèmes, politique non valide
</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PolicyForm</name>
    <message>
        <source>Thresholds</source>
        <translation>Seuils</translation>
    </message>
    <message>
        <source>Open an alert at risk</source>
        <translation>Ouvrir une alerte à partir du risque</translation>
    </message>
    <message>
        <source>scoring.alert_threshold: a user&apos;s alert opens when their risk reaches this score</source>
        <translation>scoring.alert_threshold&#xa0;: une alerte s&apos;ouvre pour un utilisateur lorsque son risque atteint ce score</translation>
    </message>
    <message>
        <source>Step up at risk</source>
        <translation>Authentification renforcée à partir du risque</translation>
    </message>
    <message>
        <source>response.step_up_at: challenge the user (sessions cleared, Okta Verify push)</source>
        <translation>response.step_up_at&#xa0;: soumettre l&apos;utilisateur à un défi (sessions fermées, push Okta Verify)</translation>
    </message>
    <message>
        <source>Page at risk</source>
        <translation>Appel d&apos;astreinte à partir du risque</translation>
    </message>
    <message>
        <source>response.page_at: page the on-call analyst and start the suspension countdown</source>
        <translation>response.page_at&#xa0;: appeler l&apos;analyste d&apos;astreinte et lancer le décompte de suspension</translation>
    </message>
    <message>
        <source>Critical page at risk</source>
        <translation>Appel d&apos;astreinte critique à partir du risque</translation>
    </message>
    <message>
        <source>response.page_critical_at: the page has critical severity</source>
        <translation>response.page_critical_at&#xa0;: l&apos;appel d&apos;astreinte a une sévérité critique</translation>
    </message>
    <message>
        <source>Auto-suspend after</source>
        <translation>Suspension automatique après</translation>
    </message>
    <message>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <source>response.auto_suspend_delay_minutes: how long after the page the safety net decides (5 to 60)</source>
        <translation>response.auto_suspend_delay_minutes&#xa0;: délai après l&apos;appel d&apos;astreinte au bout duquel le filet de sécurité décide (5 à 60)</translation>
    </message>
    <message>
        <source>Severity bands (risk at least)</source>
        <translation>Seuils de sévérité (risque minimal)</translation>
    </message>
    <message>
        <source>Critical</source>
        <translation>Critique</translation>
    </message>
    <message>
        <source>High</source>
        <translation>Élevée</translation>
    </message>
    <message>
        <source>Medium</source>
        <translation>Moyenne</translation>
    </message>
    <message>
        <source>Low</source>
        <translation>Faible</translation>
    </message>
    <message>
        <source>Places and networks</source>
        <translation>Lieux et réseaux</translation>
    </message>
    <message>
        <source>Allowed countries</source>
        <translation>Pays autorisés</translation>
    </message>
    <message>
        <source>empty: every country (e.g. US, Canada)</source>
        <translation>vide&#xa0;: tous les pays (par ex. US, Canada)</translation>
    </message>
    <message>
        <source>detections.geo_risk.allowed_countries: sign-ins from elsewhere score geo_risk; names or ISO codes, separated by commas</source>
        <translation>detections.geo_risk.allowed_countries&#xa0;: les connexions depuis d&apos;autres pays déclenchent geo_risk&#xa0;; noms ou codes ISO, séparés par des virgules</translation>
    </message>
    <message>
        <source>High-risk countries</source>
        <translation>Pays à haut risque</translation>
    </message>
    <message>
        <source>e.g. KP, IR</source>
        <translation>par ex. KP, IR</translation>
    </message>
    <message>
        <source>detections.geo_risk.high_risk_countries: sign-ins from these always score geo_risk</source>
        <translation>detections.geo_risk.high_risk_countries&#xa0;: les connexions depuis ces pays déclenchent toujours geo_risk</translation>
    </message>
    <message>
        <source>Anonymizer ASNs</source>
        <translation>ASN d&apos;anonymiseurs</translation>
    </message>
    <message>
        <source>AS numbers, e.g. 9009, 60068</source>
        <translation>Numéros d&apos;AS, par ex. 9009, 60068</translation>
    </message>
    <message>
        <source>detections.anonymizer.asns: networks of VPN and proxy services</source>
        <translation>detections.anonymizer.asns&#xa0;: réseaux de services VPN et proxy</translation>
    </message>
    <message>
        <source>Points per detection</source>
        <translation>Points par détection</translation>
    </message>
    <message>
        <source>Brute force</source>
        <translation>Force brute</translation>
    </message>
    <message>
        <source>Password spray</source>
        <translation>Password spray</translation>
    </message>
    <message>
        <source>MFA fatigue</source>
        <translation>Fatigue MFA</translation>
    </message>
    <message>
        <source>MFA failure</source>
        <translation>Échec MFA</translation>
    </message>
    <message>
        <source>Risky country</source>
        <translation>Pays à risque</translation>
    </message>
    <message>
        <source>Anonymizer</source>
        <translation>Anonymiseur</translation>
    </message>
    <message>
        <source>Off hours</source>
        <translation>Hors horaires</translation>
    </message>
    <message>
        <source>New device</source>
        <translation>Nouvel appareil</translation>
    </message>
    <message>
        <source>Impossible travel</source>
        <translation>Voyage impossible</translation>
    </message>
    <message>
        <source>ThreatInsight</source>
        <translation>ThreatInsight</translation>
    </message>
    <message>
        <source>Session hijack</source>
        <translation>Détournement de session</translation>
    </message>
    <message>
        <source>Factor reset</source>
        <translation>Réinitialisation de facteurs</translation>
    </message>
    <message>
        <source>Privilege grant</source>
        <translation>Attribution de privilèges</translation>
    </message>
    <message>
        <source>Protected accounts</source>
        <translation>Comptes protégés</translation>
    </message>
    <message>
        <source>Accounts</source>
        <translation>Comptes</translation>
    </message>
    <message>
        <source>logins, e.g. breakglass@acme.com, svc-backup@acme.com</source>
        <translation>noms d&apos;utilisateur, par ex. breakglass@acme.com, svc-backup@acme.com</translation>
    </message>
    <message>
        <source>protected_accounts: Okta logins the automation never suspends (break-glass admins, service accounts)</source>
        <translation>protected_accounts&#xa0;: noms d&apos;utilisateur Okta que l&apos;automatisation ne suspend jamais (administrateurs break-glass, comptes de service)</translation>
    </message>
    <message>
        <source>Groups</source>
        <translation>Groupes</translation>
    </message>
    <message>
        <source>Okta group ids, e.g. 00g1abcd…</source>
        <translation>ID de groupes Okta, par ex. 00g1abcd…</translation>
    </message>
    <message>
        <source>response.protected_groups: members of these Okta groups are paged, never suspended automatically</source>
        <translation>response.protected_groups&#xa0;: les membres de ces groupes Okta déclenchent un appel d&apos;astreinte, mais ne sont jamais suspendus automatiquement</translation>
    </message>
    <message>
        <source>Never suspend Okta administrators automatically</source>
        <translation>Ne jamais suspendre automatiquement les administrateurs Okta</translation>
    </message>
    <message>
        <source>response.protect_okta_admins: users holding an Okta admin role (needs okta.roles.read)</source>
        <translation>response.protect_okta_admins&#xa0;: utilisateurs ayant un rôle d&apos;administrateur Okta (nécessite okta.roles.read)</translation>
    </message>
</context>
<context>
    <name>PolicyPreview</name>
    <message>
        <source>the preview was cancelled</source>
        <translation>l&apos;aperçu a été annulé</translation>
    </message>
    <message>
        <source>the stored events could not be read</source>
        <translation>les événements stockés n&apos;ont pas pu être lus</translation>
    </message>
</context>
<context>
    <name>PolicyPreviewDialog</name>
    <message>
        <source>Policy preview</source>
        <translation>Aperçu de la politique</translation>
    </message>
    <message>
        <source>Thresholds</source>
        <translation>Seuils</translation>
    </message>
    <message>
        <source>Edit JSON</source>
        <translation>Modifier le JSON</translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation>Dernières 24 heures</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>7 derniers jours</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>30 derniers jours</translation>
    </message>
    <message>
        <source>All stored history</source>
        <translation>Tout l&apos;historique stocké</translation>
    </message>
    <message>
        <source>Stored events replayed, ending with the newest</source>
        <translation>Événements stockés rejoués, jusqu&apos;au plus récent</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>Aperçu</translation>
    </message>
    <message>
        <source>Cancel preview</source>
        <translation>Annuler l&apos;aperçu</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>Prêt</translation>
    </message>
    <message>
        <source>Replay</source>
        <translation>Rejouer</translation>
    </message>
    <message>
        <source>Change a threshold, then Preview to see who it would have affected.</source>
        <translation>Modifiez un seuil, puis cliquez sur Aperçu pour voir qui aurait été concerné.</translation>
    </message>
    <message>
        <source>Only users whose actions change</source>
        <translation>Uniquement les utilisateurs dont les actions changent</translation>
    </message>
    <message>
        <source>Save policy</source>
        <translation>Enregistrer la politique</translation>
    </message>
    <message>
        <source>Write the proposed policy to %1</source>
        <translation>Écrire la politique proposée dans %1</translation>
    </message>
    <message>
        <source>Back to the current policy</source>
        <translation>Revenir à la politique actuelle</translation>
    </message>
    <message>
        <source>Last %1 days</source>
        <translation>%1 derniers jours</translation>
    </message>
    <message>
        <source>✖ Cannot preview or save: %1</source>
        <translation>✖ Aperçu ou enregistrement impossible&#xa0;: %1</translation>
    </message>
    <message>
        <source> (and %1 more)</source>
        <translation> (et %1 de plus)</translation>
    </message>
    <message>
        <source>. Fix it in the Edit JSON tab.</source>
        <translation>. À corriger dans l&apos;onglet Modifier le JSON.</translation>
    </message>
    <message>
        <source>⚠ The policy changed since this preview: Preview again. </source>
        <translation>⚠ La politique a changé depuis cet aperçu&#xa0;: relancez l&apos;aperçu. </translation>
    </message>
    <message>
        <source>The policy has errors: %1</source>
        <translation>La politique contient des erreurs&#xa0;: %1</translation>
    </message>
    <message>
        <source>Replay the stored history under the current and the proposed policy</source>
        <translation>Rejouer l&apos;historique stocké avec la politique actuelle et avec la politique proposée</translation>
    </message>
    <message>
        <source>Replaying… %p%</source>
        <translation>Rejeu… %p%</translation>
    </message>
    <message>
        <source>Replaying… %p% · %1 events</source>
        <translation>Rejeu… %p% · %1 événements</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Annulation…</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Annulé</translation>
    </message>
    <message>
        <source>Preview cancelled.</source>
        <translation>Aperçu annulé.</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Échec</translation>
    </message>
    <message>
        <source>The preview failed: %1</source>
        <translation>L&apos;aperçu a échoué&#xa0;: %1</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Terminé</translation>
    </message>
    <message>
        <source>No stored events to replay.</source>
        <translation>Aucun événement stocké à rejouer.</translation>
    </message>
    <message>
        <source>%1 users change of %2 with an alert or an action · now %3 stepped up, %4 paged, %5 suspended (proposed: %6, %7, %8) · %9 events from %10 to %11 replayed in %12 s</source>
        <translation>%1 utilisateurs changent sur %2 ayant une alerte ou une action · actuellement %3 en authentification renforcée, %4 avec appel d&apos;astreinte, %5 suspendus (proposé&#xa0;: %6, %7, %8) · %9 événements du %10 au %11 rejoués en %12 s</translation>
    </message>
    <message>
        <source>✖ Could not save the policy to %1: %2</source>
        <translation>✖ Impossible d&apos;enregistrer la politique dans %1&#xa0;: %2</translation>
    </message>
</context>
<context>
    <name>PreviewResultModel</name>
    <message>
        <source>step-up</source>
        <translation>auth. renforcée</translation>
    </message>
    <message>
        <source>page</source>
        <translation>appel d&apos;astreinte</translation>
    </message>
    <message>
        <source>suspend</source>
        <translation>suspension</translation>
    </message>
    <message>
        <source>alert only</source>
        <translation>alerte seulement</translation>
    </message>
    <message>
        <source>nothing</source>
        <translation>rien</translation>
    </message>
    <message>
        <source>Newly affected</source>
        <translation>Nouvellement concernés</translation>
    </message>
    <message>
        <source>No longer affected</source>
        <translation>Plus concernés</translation>
    </message>
    <message>
        <source>Different actions</source>
        <translation>Actions différentes</translation>
    </message>
    <message>
        <source>Same</source>
        <translation>Identique</translation>
    </message>
    <message>
        <source>1 user suspended</source>
        <translation>1 utilisateur suspendu</translation>
    </message>
    <message>
        <source>%1 users suspended</source>
        <translation>%1 utilisateurs suspendus</translation>
    </message>
    <message>
        <source>1 user paged</source>
        <translation>Astreinte appelée pour 1 utilisateur</translation>
    </message>
    <message>
        <source>%1 users paged</source>
        <translation>Astreinte appelée pour %1 utilisateurs</translation>
    </message>
    <message>
        <source>1 user stepped up</source>
        <translation>1 utilisateur soumis à l&apos;authentification renforcée</translation>
    </message>
    <message>
        <source>%1 users stepped up</source>
        <translation>%1 utilisateurs soumis à l&apos;authentification renforcée</translation>
    </message>
    <message>
        <source>No change: the same users would have been stepped up, paged and suspended.</source>
        <translation>Aucun changement&#xa0;: l&apos;authentification renforcée, l&apos;appel d&apos;astreinte et la suspension auraient concerné les mêmes utilisateurs.</translation>
    </message>
    <message>
        <source>%1 → %2</source>
        <translation>%1 → %2</translation>
    </message>
    <message>
        <source>No action</source>
        <translation>Aucune action</translation>
    </message>
    <message>
        <source>Severity: %1 → %2. Detections: %3</source>
        <translation>Sévérité&#xa0;: %1 → %2. Détections&#xa0;: %3</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Utilisateur</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Changement</translation>
    </message>
    <message>
        <source>Current policy</source>
        <translation>Politique actuelle</translation>
    </message>
    <message>
        <source>Proposed policy</source>
        <translation>Politique proposée</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>Alertes</translation>
    </message>
    <message>
        <source>Peak risk</source>
        <translation>Risque maximal</translation>
    </message>
</context>
<context>
    <name>QueueText</name>
    <message>
        <source>Detected</source>
        <translation>Détectée</translation>
    </message>
    <message>
        <source>Stepped up</source>
        <translation>Auth. renforcée</translation>
    </message>
    <message>
        <source>Paged</source>
        <translation>Astreinte appelée</translation>
    </message>
    <message>
        <source>Suspension pending</source>
        <translation>Suspension en attente</translation>
    </message>
    <message>
        <source>Suspension recommended</source>
        <translation>Suspension recommandée</translation>
    </message>
    <message>
        <source>Acknowledged</source>
        <translation>Acquittée</translation>
    </message>
    <message>
        <source>Overridden</source>
        <translation>Outrepassée</translation>
    </message>
    <message>
        <source>Suspended</source>
        <translation>Compte suspendu</translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation>Résolue</translation>
    </message>
    <message>
        <source>False positive</source>
        <translation>Faux positif</translation>
    </message>
    <message>
        <source>push sent</source>
        <translation>push envoyé</translation>
    </message>
    <message>
        <source>push rejected</source>
        <translation>push refusé</translation>
    </message>
    <message>
        <source>no answer</source>
        <translation>pas de réponse</translation>
    </message>
    <message>
        <source>push approved</source>
        <translation>push approuvé</translation>
    </message>
    <message>
        <source>push failed</source>
        <translation>échec du push</translation>
    </message>
    <message>
        <source>no push factor</source>
        <translation>aucun facteur push</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <extracomment>A state, then what the step-up MFA push did: &quot;Stepped up · push rejected&quot;.</extracomment>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>brute force</source>
        <extracomment>Short chip labels for detections in the alert queue.</extracomment>
        <translation>force brute</translation>
    </message>
    <message>
        <source>spray</source>
        <translation>spray</translation>
    </message>
    <message>
        <source>MFA fatigue</source>
        <translation>fatigue MFA</translation>
    </message>
    <message>
        <source>MFA failed</source>
        <translation>échec MFA</translation>
    </message>
    <message>
        <source>session hijack</source>
        <translation>détournement de session</translation>
    </message>
    <message>
        <source>privilege</source>
        <translation>privilèges</translation>
    </message>
    <message>
        <source>off hours</source>
        <translation>hors horaires</translation>
    </message>
    <message>
        <source>new device</source>
        <translation>nouvel appareil</translation>
    </message>
    <message>
        <source>impossible travel</source>
        <translation>voyage impossible</translation>
    </message>
    <message>
        <source>risky country</source>
        <translation>pays à risque</translation>
    </message>
    <message>
        <source>factor reset</source>
        <translation>réinit. facteurs</translation>
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
        <translation>maintenant</translation>
    </message>
    <message>
        <source>in 1 second</source>
        <translation>dans 1 seconde</translation>
    </message>
    <message>
        <source>in %1 seconds</source>
        <translation>dans %1 secondes</translation>
    </message>
    <message>
        <source>1 minute</source>
        <translation>1 minute</translation>
    </message>
    <message>
        <source>%1 minutes</source>
        <translation>%1 minutes</translation>
    </message>
    <message>
        <source>1 second</source>
        <translation>1 seconde</translation>
    </message>
    <message>
        <source>%1 seconds</source>
        <translation>%1 secondes</translation>
    </message>
    <message>
        <source>in %1 %2</source>
        <extracomment>&quot;in 11 minutes 42 seconds&quot;</extracomment>
        <translation>dans %1 %2</translation>
    </message>
    <message>
        <source>just now</source>
        <translation>à l&apos;instant</translation>
    </message>
    <message>
        <source>%1 min ago</source>
        <translation>il y a %1 min</translation>
    </message>
    <message>
        <source>%1 h ago</source>
        <translation>il y a %1 h</translation>
    </message>
    <message>
        <source>1 day ago</source>
        <translation>il y a 1 jour</translation>
    </message>
    <message>
        <source>%1 days ago</source>
        <translation>il y a %1 jours</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>inconnu</translation>
    </message>
    <message>
        <source>1 more</source>
        <translation>1 de plus</translation>
    </message>
    <message>
        <source>%1 more</source>
        <translation>%1 de plus</translation>
    </message>
</context>
<context>
    <name>ReplayCommand</name>
    <message>
        <source>Reads Okta LogEvents (NDJSON, a JSON array, or an Event Hook payload), processes them in &apos;published&apos; order through the same pipeline as the live console with every response action in dry-run, and writes a JSON report. Rejected records are listed on stderr with their line number and never stop the run.</source>
        <translation>Lit des LogEvents Okta (NDJSON, tableau JSON ou charge utile d&apos;Event Hook), les traite dans l&apos;ordre de &apos;published&apos; à travers le même pipeline que la console en direct, toutes les actions de réponse étant simulées, et écrit un rapport JSON. Les enregistrements rejetés sont listés sur stderr avec leur numéro de ligne et n&apos;interrompent jamais l&apos;exécution.</translation>
    </message>
    <message>
        <source>Show this help.</source>
        <translation>Afficher cette aide.</translation>
    </message>
    <message>
        <source>An input file (&apos;-&apos; for standard input); repeatable.</source>
        <translation>Un fichier d&apos;entrée (&apos;-&apos; pour l&apos;entrée standard)&#xa0;; option répétable.</translation>
    </message>
    <message>
        <source>FILE</source>
        <translation>FICHIER</translation>
    </message>
    <message>
        <source>Where to write the JSON report (&apos;-&apos; for standard output, the default).</source>
        <translation>Où écrire le rapport JSON (&apos;-&apos; pour la sortie standard, par défaut).</translation>
    </message>
    <message>
        <source>The risk policy to apply (default: the built-in one; see &apos;vigil policy&apos;).</source>
        <translation>La politique de risque à appliquer (par défaut&#xa0;: la politique intégrée&#xa0;; voir &apos;vigil policy&apos;).</translation>
    </message>
    <message>
        <source>vigil replay: %1

</source>
        <translation>vigil replay&#xa0;: %1

</translation>
    </message>
    <message>
        <source>unexpected argument &apos;%1&apos; (inputs are given with --input)</source>
        <translation>argument inattendu &apos;%1&apos; (les entrées se donnent avec --input)</translation>
    </message>
    <message>
        <source>at least one --input FILE is required</source>
        <translation>au moins un --input FICHIER est requis</translation>
    </message>
    <message>
        <source>vigil replay: %1:%2: rejected: %3
</source>
        <translation>vigil replay&#xa0;: %1:%2&#xa0;: rejeté&#xa0;: %3
</translation>
    </message>
    <message>
        <source>vigil replay: %1
</source>
        <translation>vigil replay&#xa0;: %1
</translation>
    </message>
    <message>
        <source>vigil replay: no input could be read
</source>
        <translation>vigil replay&#xa0;: aucune entrée n&apos;a pu être lue
</translation>
    </message>
    <message>
        <source>vigil replay: %1 read, %2 accepted, %3 rejected, %4 duplicates
</source>
        <translation>vigil replay&#xa0;: %1 lus, %2 acceptés, %3 rejetés, %4 doublons
</translation>
    </message>
</context>
<context>
    <name>ReportCommand</name>
    <message>
        <source>Writes the same JSON report as &apos;vigil replay&apos;, built from the events a live run (&apos;vigil serve&apos; or the console) stored in DIR.</source>
        <translation>Écrit le même rapport JSON que &apos;vigil replay&apos;, construit à partir des événements qu&apos;une exécution en direct (&apos;vigil serve&apos; ou la console) a stockés dans DOSSIER.</translation>
    </message>
    <message>
        <source>Show this help.</source>
        <translation>Afficher cette aide.</translation>
    </message>
    <message>
        <source>The folder holding Vigil&apos;s database.</source>
        <translation>Le dossier de la base de données de Vigil.</translation>
    </message>
    <message>
        <source>DIR</source>
        <translation>DOSSIER</translation>
    </message>
    <message>
        <source>Where to write the JSON report (&apos;-&apos; for standard output, the default).</source>
        <translation>Où écrire le rapport JSON (&apos;-&apos; pour la sortie standard, par défaut).</translation>
    </message>
    <message>
        <source>FILE</source>
        <translation>FICHIER</translation>
    </message>
    <message>
        <source>The risk policy to apply.</source>
        <translation>La politique de risque à appliquer.</translation>
    </message>
    <message>
        <source>--data-dir DIR is required</source>
        <translation>--data-dir DOSSIER est requis</translation>
    </message>
    <message>
        <source>vigil report: no Vigil database in %1
</source>
        <translation>vigil report&#xa0;: aucune base de données Vigil dans %1
</translation>
    </message>
    <message>
        <source>vigil report: %1
</source>
        <translation>vigil report&#xa0;: %1
</translation>
    </message>
    <message>
        <source>vigil report: %1 stored events, %2 alerts
</source>
        <translation>vigil report&#xa0;: %1 événements stockés, %2 alertes
</translation>
    </message>
</context>
<context>
    <name>Response</name>
    <message>
        <source>no PagerDuty routing key is configured</source>
        <translation>aucune clé de routage PagerDuty n&apos;est configurée</translation>
    </message>
    <message>
        <source>Jira needs a project key and an API token</source>
        <translation>Jira exige une clé de projet et un jeton d&apos;API</translation>
    </message>
</context>
<context>
    <name>ResponseEngine</name>
    <message>
        <source>automation in %1 mode; %2 responses restored%3</source>
        <translation>automatisation en mode %1&#xa0;; %2 réponses restaurées%3</translation>
    </message>
    <message>
        <source>, circuit breaker open</source>
        <translation>, disjoncteur ouvert</translation>
    </message>
    <message>
        <source>%1 by %2 on %3 (%4): %5</source>
        <translation>%1 par %2 sur %3 (%4)&#xa0;: %5</translation>
    </message>
    <message>
        <source>alert for %1 suppressed until %2 (owner %3)</source>
        <translation>alerte pour %1 mise en sourdine jusqu&apos;à %2 (responsable&#xa0;: %3)</translation>
    </message>
    <message>
        <source>paged on-call for %1 (risk %2); suspension decision at %3</source>
        <translation>astreinte appelée pour %1 (risque %2)&#xa0;; décision de suspension à %3</translation>
    </message>
    <message>
        <source>step-up for %1: %2</source>
        <translation>authentification renforcée pour %1&#xa0;: %2</translation>
    </message>
    <message>
        <source>nothing configured</source>
        <translation>rien n&apos;est configuré</translation>
    </message>
    <message>
        <source>Vigil: %1 risk %2 (%3) for %4: %5</source>
        <translation>Vigil&#xa0;: sévérité %1, risque %2 (%3) pour %4&#xa0;: %5</translation>
    </message>
    <message>
        <source>at the deadline unless acknowledged</source>
        <translation>à l&apos;échéance, sauf acquittement</translation>
    </message>
    <message>
        <source>monitor mode: recommended only</source>
        <translation>mode surveillance&#xa0;: recommandation uniquement</translation>
    </message>
    <message>
        <source>Acknowledge in Vigil or PagerDuty to stop the countdown</source>
        <translation>Acquittez dans Vigil ou PagerDuty pour arrêter le décompte</translation>
    </message>
    <message>
        <source>Call the user on a known number to confirm the sign-ins</source>
        <translation>Appelez l&apos;utilisateur sur un numéro connu pour confirmer les connexions</translation>
    </message>
    <message>
        <source>Suspend now in Vigil if the activity is not theirs</source>
        <translation>Suspendez maintenant dans Vigil si l&apos;activité n&apos;est pas la sienne</translation>
    </message>
    <message>
        <source>not read from Okta (%1)</source>
        <translation>non lu depuis Okta (%1)</translation>
    </message>
    <message>
        <source>User in the Okta admin console</source>
        <translation>Utilisateur dans la console d&apos;administration Okta</translation>
    </message>
    <message>
        <source>Alert in Vigil</source>
        <translation>Alerte dans Vigil</translation>
    </message>
    <message>
        <source>cannot read protected accounts (%1): %2; the previous list stays</source>
        <translation>impossible de lire les comptes protégés (%1)&#xa0;: %2&#xa0;; la liste précédente est conservée</translation>
    </message>
    <message>
        <source>not suspended: the challenge was passed (%1) and nothing more came from %2</source>
        <translation>non suspendu&#xa0;: le défi a été réussi (%1) et plus rien n&apos;est venu de %2</translation>
    </message>
    <message>
        <source>not suspended: %1 is a protected account; the on-call analyst must decide</source>
        <translation>non suspendu&#xa0;: %1 est un compte protégé&#xa0;; l&apos;analyste d&apos;astreinte doit décider</translation>
    </message>
    <message>
        <source>not suspended: the circuit breaker is open (step-up only until an analyst resumes)</source>
        <translation>non suspendu&#xa0;: le disjoncteur est ouvert (authentification renforcée uniquement jusqu&apos;à la reprise par un analyste)</translation>
    </message>
    <message>
        <source>would suspend (monitor mode): step-up %1, activity continued: %2</source>
        <translation>suspendrait (mode surveillance) — authentification renforcée&#xa0;: %1&#xa0;; activité poursuivie&#xa0;: %2</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>oui</translation>
    </message>
    <message>
        <source>no</source>
        <translation>non</translation>
    </message>
    <message>
        <source>suspended: not acknowledged; step-up %1; activity continued: %2</source>
        <translation>suspendu&#xa0;: pas d&apos;acquittement&#xa0;; authentification renforcée&#xa0;: %1&#xa0;; activité poursuivie&#xa0;: %2</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1&#xa0;: %2</translation>
    </message>
    <message>
        <source> (already suspended by %1: no second call)</source>
        <translation> (déjà suspendu par %1&#xa0;: pas de second appel)</translation>
    </message>
    <message>
        <source>suspending %1 (%2): %3</source>
        <translation>suspension de %1 (%2)&#xa0;: %3</translation>
    </message>
    <message>
        <source>Vigil suspended %1: %2</source>
        <translation>Vigil a suspendu %1&#xa0;: %2</translation>
    </message>
    <message>
        <source>Vigil suspended the Okta account %1. %2</source>
        <translation>Vigil a suspendu le compte Okta %1. %2</translation>
    </message>
    <message>
        <source>%1, the account of %2 (%3) was suspended as a precaution after sign-in activity that looked like an attack. The security team is on it and will restore access once it is safe; please reach out to them rather than to the IT help desk.</source>
        <translation>%1, le compte de %2 (%3) a été suspendu par précaution après une activité de connexion qui ressemblait à une attaque. L&apos;équipe sécurité s&apos;en occupe et rétablira l&apos;accès dès que ce sera sans danger&#xa0;; merci de vous adresser à elle plutôt qu&apos;au support informatique.</translation>
    </message>
    <message>
        <source>Hello</source>
        <translation>Bonjour</translation>
    </message>
    <message>
        <source>Vigil suspended the Okta account %1 (alert %2, %3, peak risk %4).</source>
        <translation>Vigil a suspendu le compte Okta %1 (alerte %2, %3, risque maximal %4).</translation>
    </message>
    <message>
        <source>Decision: %1</source>
        <translation>Décision&#xa0;: %1</translation>
    </message>
    <message>
        <source>Detections: %1</source>
        <translation>Détections&#xa0;: %1</translation>
    </message>
    <message>
        <source>Source IPs: %1</source>
        <translation>IP sources&#xa0;: %1</translation>
    </message>
    <message>
        <source>Step-up challenge: %1</source>
        <translation>Défi d&apos;authentification renforcée&#xa0;: %1</translation>
    </message>
    <message>
        <source>Person: %1, %2, %3; manager %4</source>
        <translation>Personne&#xa0;: %1, %2, %3&#xa0;; manager&#xa0;: %4</translation>
    </message>
    <message>
        <source>To restore access: confirm with the person on a known channel, reset their password and factors, then unsuspend in Vigil (vigil alert unsuspend %1 --reason …).</source>
        <translation>Pour rétablir l&apos;accès&#xa0;: confirmez avec la personne par un canal connu, réinitialisez son mot de passe et ses facteurs, puis réactivez le compte dans Vigil (vigil alert unsuspend %1 --reason …).</translation>
    </message>
    <message>
        <source>Okta account %1 suspended by Vigil (%2)</source>
        <translation>Compte Okta %1 suspendu par Vigil (%2)</translation>
    </message>
    <message>
        <source>%1 suppressed alerts for %2 (%3) until %4: %5</source>
        <translation>%1 a mis en sourdine les alertes de %2 (%3) jusqu&apos;à %4&#xa0;: %5</translation>
    </message>
    <message>
        <source>all detections</source>
        <translation>toutes les détections</translation>
    </message>
    <message>
        <source>%1 automatic suspensions within an hour</source>
        <translation>%1 suspensions automatiques en moins d&apos;une heure</translation>
    </message>
    <message>
        <source>one source, %1, is behind alerts of %2 users: a lockout attack must not suspend them all</source>
        <translation>une même source, %1, est à l&apos;origine d&apos;alertes pour %2 utilisateurs&#xa0;: une attaque par verrouillage ne doit pas tous les faire suspendre</translation>
    </message>
    <message>
        <source>Vigil automation paused (step-up only): %1</source>
        <translation>Automatisation de Vigil en pause (authentification renforcée uniquement)&#xa0;: %1</translation>
    </message>
    <message>
        <source>circuit breaker open: %1</source>
        <translation>disjoncteur ouvert&#xa0;: %1</translation>
    </message>
    <message>
        <source>automation is not paused</source>
        <translation>l&apos;automatisation n&apos;est pas en pause</translation>
    </message>
    <message>
        <source>a reason is required to resume automation</source>
        <translation>un motif est requis pour reprendre l&apos;automatisation</translation>
    </message>
    <message>
        <source>opened</source>
        <translation>ouvert</translation>
    </message>
    <message>
        <source>ticket %1 opened for %2</source>
        <translation>ticket %1 ouvert pour %2</translation>
    </message>
    <message>
        <source>opening a ticket for %1 failed: %2</source>
        <translation>échec de l&apos;ouverture d&apos;un ticket pour %1&#xa0;: %2</translation>
    </message>
    <message>
        <source>step-up push for %1: %2</source>
        <translation>push d&apos;authentification renforcée pour %1&#xa0;: %2</translation>
    </message>
    <message>
        <source> — the suspension call failed: %1</source>
        <translation> — l&apos;appel de suspension a échoué&#xa0;: %1</translation>
    </message>
    <message>
        <source>suspending %1 failed: %2</source>
        <translation>échec de la suspension de %1&#xa0;: %2</translation>
    </message>
    <message>
        <source>%1 is suspended in Okta</source>
        <translation>%1 est suspendu dans Okta</translation>
    </message>
    <message>
        <source>acknowledged in PagerDuty</source>
        <translation>acquittée dans PagerDuty</translation>
    </message>
    <message>
        <source>no open alert %1</source>
        <translation>aucune alerte ouverte %1</translation>
    </message>
    <message>
        <source>alert %1 has no pending suspension to override</source>
        <translation>l&apos;alerte %1 n&apos;a pas de suspension en attente à outrepasser</translation>
    </message>
    <message>
        <source>an override needs a reason</source>
        <translation>outrepasser une alerte exige un motif</translation>
    </message>
    <message>
        <source>%1 is already suspended</source>
        <translation>%1 est déjà suspendu</translation>
    </message>
    <message>
        <source>suspension requested by %1 (monitor mode: not sent to Okta)</source>
        <translation>suspension demandée par %1 (mode surveillance&#xa0;: non transmise à Okta)</translation>
    </message>
    <message>
        <source>suspended by %1: %2</source>
        <translation>suspendu par %1&#xa0;: %2</translation>
    </message>
    <message>
        <source>alert %1 did not suspend anyone</source>
        <translation>l&apos;alerte %1 n&apos;a suspendu personne</translation>
    </message>
    <message>
        <source>a false positive needs a reason</source>
        <translation>un faux positif exige un motif</translation>
    </message>
    <message>
        <source>no alert %1</source>
        <translation>aucune alerte %1</translation>
    </message>
</context>
<context>
    <name>RiskBoard</name>
    <message>
        <source>Risk board: users by current risk</source>
        <translation>Tableau des risques&#xa0;: utilisateurs par risque actuel</translation>
    </message>
    <message numerus="yes">
        <source>RISK BOARD · %n user(s) at risk</source>
        <translation>
            <numerusform>TABLEAU DES RISQUES · %n utilisateur à risque</numerusform>
            <numerusform>TABLEAU DES RISQUES · %n utilisateurs à risque</numerusform>
        </translation>
    </message>
    <message>
        <source>Nobody is at risk. Vigil is watching %1 users.</source>
        <translation>Personne n&apos;est à risque. Vigil surveille %1 utilisateurs.</translation>
    </message>
    <message>
        <source>%1
risk %2 (%3)
%4
last seen at %5</source>
        <translation>%1
risque %2 (%3)
%4
dernière localisation&#xa0;: %5</translation>
    </message>
</context>
<context>
    <name>RiskEngine</name>
    <message>
        <source>session begun from %1 (AS%2, %3) reused from %4 (AS%5, %6) %7 min later</source>
        <translation>session ouverte depuis %1 (AS%2, %3) réutilisée depuis %4 (AS%5, %6) %7 min plus tard</translation>
    </message>
    <message>
        <source>signed in at %1:00 local time, outside this user&apos;s usual hours</source>
        <translation>connexion à %1:00 heure locale, en dehors des horaires habituels de cet utilisateur</translation>
    </message>
    <message>
        <source>signed in at %1:00 local time on %2, outside business hours (no baseline yet)</source>
        <translation>connexion à %1:00 heure locale un %2, en dehors des heures ouvrées (pas encore de profil de référence)</translation>
    </message>
    <message>
        <source>signed in through an anonymizer from %1 (%2)</source>
        <translation>connexion via un anonymiseur depuis %1 (%2)</translation>
    </message>
    <message>
        <source>tried to sign in through an anonymizer from %1 (%2)</source>
        <translation>tentative de connexion via un anonymiseur depuis %1 (%2)</translation>
    </message>
    <message>
        <source>%1 failed sign-ins in %2 min, the last from %3 (%4)</source>
        <translation>%1 échecs de connexion en %2 min, le dernier depuis %3 (%4)</translation>
    </message>
    <message>
        <source>targeted by a password spray from %1 (%2 accounts in %3 min)</source>
        <translation>ciblé par un password spray depuis %1 (%2 comptes en %3 min)</translation>
    </message>
    <message>
        <source>%1 pushes sent and %2 rejected in %3 min</source>
        <translation>%1 push envoyés et %2 refusés en %3 min</translation>
    </message>
    <message>
        <source>an MFA push was accepted right after a push burst: the user may have given in</source>
        <translation>un push MFA a été accepté juste après une rafale de push&#xa0;: l&apos;utilisateur a peut-être cédé</translation>
    </message>
    <message>
        <source>MFA failed after a correct password from %1 (%2)</source>
        <translation>échec MFA après un mot de passe correct depuis %1 (%2)</translation>
    </message>
    <message>
        <source>signed in from %1, a high-risk country (%2)</source>
        <translation>connexion depuis %1, un pays à haut risque (%2)</translation>
    </message>
    <message>
        <source>signed in from %1, outside the allowed countries (%2)</source>
        <translation>connexion depuis %1, hors des pays autorisés (%2)</translation>
    </message>
    <message>
        <source>factors were reset %1 min earlier, then a sign-in from %2</source>
        <translation>facteurs réinitialisés %1 min plus tôt, puis connexion depuis %2</translation>
    </message>
    <message>
        <source>a new device</source>
        <translation>un nouvel appareil</translation>
    </message>
    <message>
        <source>first sign-in from %1 (%2)</source>
        <translation>première connexion depuis %1 (%2)</translation>
    </message>
    <message>
        <source>Okta: New Device</source>
        <translation>Okta&#xa0;: nouvel appareil</translation>
    </message>
    <message>
        <source>%1 → %2: %3 km in %4 min (%5 km/h)</source>
        <translation>%1 → %2&#xa0;: %3 km en %4 min (%5 km/h)</translation>
    </message>
    <message>
        <source>Okta ThreatInsight flagged %1: %2</source>
        <translation>Okta ThreatInsight a signalé %1&#xa0;: %2</translation>
    </message>
    <message>
        <source>Okta ThreatInsight suspects the request from %1</source>
        <translation>Okta ThreatInsight soupçonne la requête venant de %1</translation>
    </message>
    <message>
        <source>Okta rated the sign-in risk HIGH (%1)</source>
        <translation>Okta a évalué le risque de connexion à HIGH (%1)</translation>
    </message>
    <message>
        <source>admin privileges granted by %1</source>
        <translation>privilèges d&apos;administrateur accordés par %1</translation>
    </message>
</context>
<context>
    <name>SecretWriteBatch</name>
    <message>
        <source>the keychain refused %1: %2</source>
        <translation>le trousseau a refusé %1&#xa0;: %2</translation>
    </message>
</context>
<context>
    <name>ServeCommand</name>
    <message>
        <source>Runs Vigil&apos;s live pipeline without a window: polls the Okta System Log (and receives Event Hooks with --hook-listen), scores every user and logs one line per state change plus a periodic health line.
Secrets come from the environment: VIGIL_OKTA_TOKEN (SSWS API token), VIGIL_HOOK_SECRET (the Event Hook authorization value), VIGIL_PAGERDUTY_ROUTING_KEY, VIGIL_PAGERDUTY_API_TOKEN, VIGIL_NOTIFY_WEBHOOK_URL (a Slack or Teams incoming webhook), VIGIL_JIRA_URL with VIGIL_JIRA_EMAIL, VIGIL_JIRA_API_TOKEN and VIGIL_JIRA_PROJECT (incident tickets; or VIGIL_TICKET_WEBHOOK_URL).
SIGTERM or SIGINT stop it cleanly.</source>
        <translation>Exécute le pipeline en direct de Vigil sans fenêtre&#xa0;: interroge le System Log Okta (et reçoit les Event Hooks avec --hook-listen), évalue chaque utilisateur et journalise une ligne par changement d&apos;état, plus une ligne de santé périodique.
Les secrets proviennent de l&apos;environnement&#xa0;: VIGIL_OKTA_TOKEN (jeton d&apos;API SSWS), VIGIL_HOOK_SECRET (la valeur d&apos;autorisation des Event Hooks), VIGIL_PAGERDUTY_ROUTING_KEY, VIGIL_PAGERDUTY_API_TOKEN, VIGIL_NOTIFY_WEBHOOK_URL (un webhook entrant Slack ou Teams), VIGIL_JIRA_URL avec VIGIL_JIRA_EMAIL, VIGIL_JIRA_API_TOKEN et VIGIL_JIRA_PROJECT (tickets d&apos;incident&#xa0;; ou VIGIL_TICKET_WEBHOOK_URL).
SIGTERM ou SIGINT l&apos;arrêtent proprement.</translation>
    </message>
    <message>
        <source>Show this help.</source>
        <translation>Afficher cette aide.</translation>
    </message>
    <message>
        <source>The Okta org, e.g. https://acme.okta.com.</source>
        <translation>L&apos;organisation Okta, par ex. https://acme.okta.com.</translation>
    </message>
    <message>
        <source>URL</source>
        <translation>URL</translation>
    </message>
    <message>
        <source>Keep Vigil&apos;s database in DIR.</source>
        <translation>Conserver la base de données de Vigil dans DOSSIER.</translation>
    </message>
    <message>
        <source>DIR</source>
        <translation>DOSSIER</translation>
    </message>
    <message>
        <source>The risk policy to apply.</source>
        <translation>La politique de risque à appliquer.</translation>
    </message>
    <message>
        <source>FILE</source>
        <translation>FICHIER</translation>
    </message>
    <message>
        <source>monitor (record what would be done) or enforce.</source>
        <translation>monitor (consigner ce qui serait fait) ou enforce.</translation>
    </message>
    <message>
        <source>MODE</source>
        <translation>MODE</translation>
    </message>
    <message>
        <source>Replaces https://events.pagerduty.com.</source>
        <translation>Remplace https://events.pagerduty.com.</translation>
    </message>
    <message>
        <source>Seconds before an automatic suspension.</source>
        <translation>Secondes avant une suspension automatique.</translation>
    </message>
    <message>
        <source>SECONDS</source>
        <translation>SECONDES</translation>
    </message>
    <message>
        <source>Receive Okta Event Hooks on ADDR:PORT.</source>
        <translation>Recevoir les Event Hooks Okta sur ADRESSE:PORT.</translation>
    </message>
    <message>
        <source>ADDR:PORT</source>
        <translation>ADRESSE:PORT</translation>
    </message>
    <message>
        <source>Seconds between health lines (default 60).</source>
        <translation>Secondes entre deux lignes de santé (60 par défaut).</translation>
    </message>
    <message>
        <source>Only receive Event Hooks; do not poll the System Log.</source>
        <translation>Recevoir uniquement les Event Hooks&#xa0;; ne pas interroger le System Log.</translation>
    </message>
    <message>
        <source>--okta-url URL is required</source>
        <translation>--okta-url URL est requis</translation>
    </message>
    <message>
        <source>--no-poll needs --hook-listen</source>
        <translation>--no-poll exige --hook-listen</translation>
    </message>
    <message>
        <source>--mode must be monitor or enforce</source>
        <translation>--mode doit valoir monitor ou enforce</translation>
    </message>
    <message>
        <source>--health-interval must be a whole number of seconds</source>
        <translation>--health-interval doit être un nombre entier de secondes</translation>
    </message>
    <message>
        <source>vigil serve: VIGIL_OKTA_CLIENT_ID is set but VIGIL_OKTA_PRIVATE_KEY_FILE cannot be read: %1
</source>
        <translation>vigil serve&#xa0;: VIGIL_OKTA_CLIENT_ID est défini mais VIGIL_OKTA_PRIVATE_KEY_FILE est illisible&#xa0;: %1
</translation>
    </message>
    <message>
        <source>--hook-listen must be ADDR:PORT</source>
        <translation>--hook-listen doit être au format ADRESSE:PORT</translation>
    </message>
    <message>
        <source>vigil serve: VIGIL_HOOK_SECRET is not set: every Event Hook delivery will be refused
</source>
        <translation>vigil serve&#xa0;: VIGIL_HOOK_SECRET n&apos;est pas défini&#xa0;: toutes les livraisons d&apos;Event Hooks seront refusées
</translation>
    </message>
    <message>
        <source>--auto-suspend-delay must be a whole number of seconds</source>
        <translation>--auto-suspend-delay doit être un nombre entier de secondes</translation>
    </message>
    <message>
        <source>vigil serve: %1
</source>
        <translation>vigil serve&#xa0;: %1
</translation>
    </message>
    <message>
        <source>--store: %1</source>
        <translation>--store&#xa0;: %1</translation>
    </message>
    <message>
        <source>stopping: %1</source>
        <translation>arrêt&#xa0;: %1</translation>
    </message>
    <message>
        <source>serving in %1 mode; data in %2</source>
        <translation>exécution en mode %1&#xa0;; données dans %2</translation>
    </message>
    <message>
        <source>health: %1</source>
        <translation>santé&#xa0;: %1</translation>
    </message>
    <message>
        <source>stopping on request</source>
        <translation>arrêt sur demande</translation>
    </message>
    <message>
        <source>stopped: %1</source>
        <translation>arrêté&#xa0;: %1</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Poll the System Log</source>
        <translation>Interroger le System Log</translation>
    </message>
    <message>
        <source>Vigil settings</source>
        <translation>Paramètres de Vigil</translation>
    </message>
    <message>
        <source>Enforce mode</source>
        <translation>Mode intervention</translation>
    </message>
    <message>
        <source>In enforce mode Vigil suspends Okta accounts and ends sessions on its own.
Type the org&apos;s name (%1) to confirm:</source>
        <translation>En mode intervention, Vigil suspend des comptes Okta et met fin à des sessions de lui-même.
Saisissez le nom de l&apos;organisation (%1) pour confirmer&#xa0;:</translation>
    </message>
    <message>
        <source>https://acme.okta.com</source>
        <translation>https://acme.okta.com</translation>
    </message>
    <message>
        <source>API token (SSWS)</source>
        <translation>Jeton d&apos;API (SSWS)</translation>
    </message>
    <message>
        <source>OAuth 2.0 service app (private_key_jwt)</source>
        <translation>Application de service OAuth 2.0 (private_key_jwt)</translation>
    </message>
    <message>
        <source>Monitor — decide and record, change nothing in Okta</source>
        <translation>Surveillance — décider et consigner, ne rien modifier dans Okta</translation>
    </message>
    <message>
        <source>Enforce — step up and suspend accounts</source>
        <translation>Intervention — authentification renforcée et suspension des comptes</translation>
    </message>
    <message>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <source>off, or 127.0.0.1:8787</source>
        <translation>vide = désactivé, ou 127.0.0.1:8787</translation>
    </message>
    <message>
        <source>Event Hooks are not guaranteed delivery: keep polling on unless the hooks are your only way to Okta.</source>
        <translation>La livraison des Event Hooks n&apos;est pas garantie&#xa0;: gardez l&apos;interrogation activée, sauf si les hooks sont votre seul accès à Okta.</translation>
    </message>
    <message>
        <source>the built-in default policy</source>
        <translation>la politique par défaut intégrée</translation>
    </message>
    <message>
        <source>Okta</source>
        <translation>Okta</translation>
    </message>
    <message>
        <source>Org URL</source>
        <translation>URL de l&apos;organisation</translation>
    </message>
    <message>
        <source>Authentication</source>
        <translation>Authentification</translation>
    </message>
    <message>
        <source>API token</source>
        <translation>Jeton d&apos;API</translation>
    </message>
    <message>
        <source>Service app client id</source>
        <translation>ID client de l&apos;application de service</translation>
    </message>
    <message>
        <source>Private key (PEM)</source>
        <translation>Clé privée (PEM)</translation>
    </message>
    <message>
        <source>Key id (kid)</source>
        <translation>ID de clé (kid)</translation>
    </message>
    <message>
        <source>Events</source>
        <translation>Événements</translation>
    </message>
    <message>
        <source>Event Hook listener</source>
        <translation>Écouteur d&apos;Event Hooks</translation>
    </message>
    <message>
        <source>Event Hook secret</source>
        <translation>Secret d&apos;Event Hook</translation>
    </message>
    <message>
        <source>Automation</source>
        <translation>Automatisation</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>Mode</translation>
    </message>
    <message>
        <source>Auto-suspension delay</source>
        <translation>Délai de suspension automatique</translation>
    </message>
    <message>
        <source>Policy file</source>
        <translation>Fichier de politique</translation>
    </message>
    <message>
        <source>Paging, notifications, tickets</source>
        <translation>Astreinte, notifications, tickets</translation>
    </message>
    <message>
        <source>PagerDuty routing key</source>
        <translation>Clé de routage PagerDuty</translation>
    </message>
    <message>
        <source>PagerDuty API token</source>
        <translation>Jeton d&apos;API PagerDuty</translation>
    </message>
    <message>
        <source>Notification webhook URL</source>
        <translation>URL du webhook de notification</translation>
    </message>
    <message>
        <source>Jira site URL</source>
        <translation>URL du site Jira</translation>
    </message>
    <message>
        <source>Jira account e-mail</source>
        <translation>E-mail du compte Jira</translation>
    </message>
    <message>
        <source>Jira project key</source>
        <translation>Clé du projet Jira</translation>
    </message>
    <message>
        <source>Jira API token</source>
        <translation>Jeton d&apos;API Jira</translation>
    </message>
    <message>
        <source>Test Okta connection</source>
        <translation>Tester la connexion Okta</translation>
    </message>
    <message>
        <source>set</source>
        <translation>défini</translation>
    </message>
    <message>
        <source>not set</source>
        <translation>non défini</translation>
    </message>
    <message>
        <source>stored in the keychain; type to replace</source>
        <translation>stocké dans le trousseau&#xa0;; saisissez une valeur pour le remplacer</translation>
    </message>
    <message>
        <source>Cannot save: %1</source>
        <translation>Enregistrement impossible&#xa0;: %1</translation>
    </message>
    <message>
        <source>Enforce mode was not confirmed: the org name did not match.</source>
        <translation>Le mode intervention n&apos;a pas été confirmé&#xa0;: le nom de l&apos;organisation ne correspond pas.</translation>
    </message>
    <message>
        <source>Test PagerDuty</source>
        <translation>Tester PagerDuty</translation>
    </message>
    <message>
        <source>No PagerDuty API token: type one, or save it first.</source>
        <translation>Aucun jeton d&apos;API PagerDuty&#xa0;: saisissez-en un, ou enregistrez-le d&apos;abord.</translation>
    </message>
    <message>
        <source>Connected: PagerDuty accepted the API token (incidents readable). The routing key is checked the first time Vigil pages.</source>
        <translation>Connecté&#xa0;: PagerDuty a accepté le jeton d&apos;API (incidents lisibles). La clé de routage sera vérifiée au premier appel d&apos;astreinte de Vigil.</translation>
    </message>
    <message>
        <source>PagerDuty refused the API token (HTTP %1).</source>
        <translation>PagerDuty a refusé le jeton d&apos;API (HTTP %1).</translation>
    </message>
    <message>
        <source>Cannot reach PagerDuty: %1</source>
        <translation>Impossible de joindre PagerDuty&#xa0;: %1</translation>
    </message>
    <message>
        <source>PagerDuty answered HTTP %1.</source>
        <translation>PagerDuty a répondu HTTP %1.</translation>
    </message>
</context>
<context>
    <name>Severity</name>
    <message>
        <source>Critical</source>
        <translation>Critique</translation>
    </message>
    <message>
        <source>High</source>
        <translation>Élevée</translation>
    </message>
    <message>
        <source>Medium</source>
        <translation>Moyenne</translation>
    </message>
    <message>
        <source>Low</source>
        <translation>Faible</translation>
    </message>
    <message>
        <source>Normal</source>
        <extracomment>Risk below the lowest severity band: ordinary traffic.</extracomment>
        <translation>Normale</translation>
    </message>
</context>
<context>
    <name>StatusCommand</name>
    <message>
        <source>Prints the live pipeline&apos;s health as &apos;vigil serve&apos; last wrote it: state, lag, events and requests per minute, rate limit left, last error.</source>
        <translation>Affiche l&apos;état de santé du pipeline en direct tel que &apos;vigil serve&apos; l&apos;a écrit en dernier&#xa0;: état, retard, événements et requêtes par minute, limite de débit restante, dernière erreur.</translation>
    </message>
    <message>
        <source>Show this help.</source>
        <translation>Afficher cette aide.</translation>
    </message>
    <message>
        <source>The folder holding Vigil&apos;s database.</source>
        <translation>Le dossier de la base de données de Vigil.</translation>
    </message>
    <message>
        <source>DIR</source>
        <translation>DOSSIER</translation>
    </message>
    <message>
        <source>Print the status object as JSON.</source>
        <translation>Afficher l&apos;objet d&apos;état au format JSON.</translation>
    </message>
    <message>
        <source>vigil status: no status in %1 (&apos;vigil serve&apos; has not run there)
</source>
        <translation>vigil status&#xa0;: aucun état dans %1 (&apos;vigil serve&apos; n&apos;y a pas été exécuté)
</translation>
    </message>
    <message>
        <source>%1 (pid %2, %3 mode), updated %4
</source>
        <translation>%1 (pid %2, mode %3), mis à jour&#xa0;: %4
</translation>
    </message>
    <message>
        <source>not running</source>
        <translation>pas en cours d&apos;exécution</translation>
    </message>
    <message>
        <source>lag %1 s · %2 events/min · %3 requests/min · %4/%5 requests left · %6 stored · %7 duplicates
</source>
        <translation>retard %1 s · %2 événements/min · %3 requêtes/min · %4/%5 requêtes restantes · %6 stockés · %7 doublons
</translation>
    </message>
    <message>
        <source>last error: %1 at %2
</source>
        <translation>dernière erreur&#xa0;: %1 à %2
</translation>
    </message>
</context>
<context>
    <name>StoreReader</name>
    <message>
        <source>no store to read</source>
        <translation>aucune base à lire</translation>
    </message>
</context>
<context>
    <name>Suppressions</name>
    <message>
        <source>a suppression needs a user</source>
        <translation>une mise en sourdine exige un utilisateur</translation>
    </message>
    <message>
        <source>a suppression needs an owner</source>
        <translation>une mise en sourdine exige un responsable</translation>
    </message>
    <message>
        <source>a suppression needs a reason</source>
        <translation>une mise en sourdine exige un motif</translation>
    </message>
    <message>
        <source>a suppression must expire after it starts</source>
        <translation>une mise en sourdine doit expirer après son début</translation>
    </message>
    <message>
        <source>a suppression may last at most %1 days</source>
        <translation>une mise en sourdine peut durer au plus %1 jours</translation>
    </message>
    <message>
        <source>no suppression %1</source>
        <translation>aucune mise en sourdine %1</translation>
    </message>
</context>
<context>
    <name>SystemLogPoller</name>
    <message>
        <source>resuming the System Log from the stored position</source>
        <translation>reprise du System Log à partir de la position stockée</translation>
    </message>
    <message>
        <source>the stored System Log position belongs to another org; reading the last %1 h again</source>
        <translation>la position stockée du System Log appartient à une autre organisation&#xa0;; relecture des %1 dernières heures</translation>
    </message>
    <message>
        <source>keeping %1 of %2 requests for response actions; polling again in %3 s</source>
        <translation>%1 requêtes sur %2 réservées aux actions de réponse&#xa0;; nouvelle interrogation dans %3 s</translation>
    </message>
    <message>
        <source>cannot authenticate to Okta: %1</source>
        <translation>authentification auprès d&apos;Okta impossible&#xa0;: %1</translation>
    </message>
    <message>
        <source>the System Log request failed: %1</source>
        <translation>la requête au System Log a échoué&#xa0;: %1</translation>
    </message>
    <message>
        <source>rate limited by Okta without a reset time (%1)</source>
        <translation>limite de débit atteinte chez Okta, sans heure de réinitialisation (%1)</translation>
    </message>
    <message>
        <source>rate limited by Okta (%1); polling again in %2 s</source>
        <translation>limite de débit atteinte chez Okta (%1)&#xa0;; nouvelle interrogation dans %2 s</translation>
    </message>
    <message>
        <source>Okta rejected the %1 (%2). Polling stopped: renew the credential and restart.</source>
        <translation>Okta a rejeté %1 (%2). Interrogation arrêtée&#xa0;: renouvelez l&apos;identifiant et redémarrez.</translation>
    </message>
    <message>
        <source>Okta refused access to the System Log with the %1 (%2). Polling stopped: the credential needs the okta.logs.read scope or a read-only admin role.</source>
        <translation>Okta a refusé l&apos;accès au System Log avec %1 (%2). Interrogation arrêtée&#xa0;: l&apos;identifiant a besoin du scope okta.logs.read ou d&apos;un rôle d&apos;administrateur en lecture seule.</translation>
    </message>
    <message>
        <source>Okta answered %1</source>
        <translation>Okta a répondu %1</translation>
    </message>
    <message>
        <source>Okta redirected the System Log request (%1); is the org URL right?</source>
        <translation>Okta a redirigé la requête au System Log (%1)&#xa0;; l&apos;URL de l&apos;organisation est-elle correcte&#xa0;?</translation>
    </message>
    <message>
        <source>Okta refused the System Log request: %1</source>
        <translation>Okta a refusé la requête au System Log&#xa0;: %1</translation>
    </message>
    <message>
        <source>System Log page</source>
        <translation>Page du System Log</translation>
    </message>
    <message>
        <source>unusable System Log page: %1</source>
        <translation>page du System Log inutilisable&#xa0;: %1</translation>
    </message>
    <message>
        <source>the System Log page had no rel=&quot;next&quot; link; asking again</source>
        <translation>la page du System Log n&apos;avait pas de lien rel=&quot;next&quot;&#xa0;; nouvelle demande</translation>
    </message>
    <message>
        <source>event %1 of a System Log page rejected: %2</source>
        <translation>événement %1 d&apos;une page du System Log rejeté&#xa0;: %2</translation>
    </message>
    <message>
        <source>could not store a System Log page: %1</source>
        <translation>impossible de stocker une page du System Log&#xa0;: %1</translation>
    </message>
    <message>
        <source>caught up with the System Log</source>
        <translation>System Log à jour</translation>
    </message>
    <message>
        <source>catching up with the System Log</source>
        <translation>rattrapage du System Log</translation>
    </message>
    <message>
        <source>%1; retrying in %2 s</source>
        <translation>%1&#xa0;; nouvel essai dans %2 s</translation>
    </message>
    <message>
        <source>Okta rejected the stored position (%1); reading again from %2</source>
        <translation>Okta a rejeté la position stockée (%1)&#xa0;; relecture à partir de %2</translation>
    </message>
</context>
<context>
    <name>TeamCoordinator</name>
    <message>
        <source>%1 acted on %2 first: it is %3 (%4)</source>
        <translation>%1 a agi en premier sur %2&#xa0;: état %3 (%4)</translation>
    </message>
    <message>
        <source>team: reconnected to %1</source>
        <translation>équipe&#xa0;: reconnecté à %1</translation>
    </message>
    <message>
        <source>lost the team database connection (%1)</source>
        <translation>connexion à la base de données d&apos;équipe perdue (%1)</translation>
    </message>
    <message>
        <source>team: took the automation lock; leading in %1 ms</source>
        <translation>équipe&#xa0;: verrou d&apos;automatisation obtenu&#xa0;; console principale dans %1 ms</translation>
    </message>
    <message>
        <source>team: this console now leads the automation</source>
        <translation>équipe&#xa0;: cette console pilote désormais l&apos;automatisation</translation>
    </message>
    <message>
        <source>team: stopped leading: %1</source>
        <translation>équipe&#xa0;: cette console ne pilote plus l&apos;automatisation&#xa0;: %1</translation>
    </message>
    <message>
        <source>the team database is not reachable; the command was not sent</source>
        <translation>la base de données d&apos;équipe est injoignable&#xa0;; la commande n&apos;a pas été envoyée</translation>
    </message>
    <message>
        <source>cannot queue the command: %1</source>
        <translation>impossible de mettre la commande en file d&apos;attente&#xa0;: %1</translation>
    </message>
    <message>
        <source>no console leads the automation right now; try again</source>
        <translation>aucune console ne pilote l&apos;automatisation pour le moment&#xa0;; réessayez</translation>
    </message>
    <message>
        <source>the leading console did not answer in time</source>
        <translation>la console principale n&apos;a pas répondu à temps</translation>
    </message>
    <message>
        <source>lost the team database connection</source>
        <translation>connexion à la base de données d&apos;équipe perdue</translation>
    </message>
</context>
<context>
    <name>Theme</name>
    <message>
        <source>&amp;Light</source>
        <translation>&amp;Clair</translation>
    </message>
    <message>
        <source>&amp;Dark</source>
        <translation>&amp;Sombre</translation>
    </message>
    <message>
        <source>Follow the &amp;system</source>
        <translation>Suivre le s&amp;ystème</translation>
    </message>
</context>
<context>
    <name>UserActivityChart</name>
    <message>
        <source>Events per hour</source>
        <translation>Événements par heure</translation>
    </message>
    <message>
        <source>success</source>
        <translation>réussite</translation>
    </message>
    <message>
        <source>failure</source>
        <translation>échec</translation>
    </message>
    <message>
        <source>Events per hour, last 7 days</source>
        <translation>Événements par heure, 7 derniers jours</translation>
    </message>
    <message>
        <source>Events per hour, last 24 hours</source>
        <translation>Événements par heure, dernières 24 heures</translation>
    </message>
</context>
<context>
    <name>UserAuditModel</name>
    <message>
        <source> — reason: %1</source>
        <translation> — motif&#xa0;: %1</translation>
    </message>
    <message>
        <source> → %1</source>
        <translation> → %1</translation>
    </message>
    <message>
        <source> (dry run)</source>
        <translation> (simulation)</translation>
    </message>
    <message>
        <source> → %1 %2</source>
        <translation> → %1 %2</translation>
    </message>
    <message>
        <source>%1 · record %2</source>
        <translation>%1 · enregistrement %2</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Heure</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>Qui</translation>
    </message>
    <message>
        <source>About</source>
        <translation>Objet</translation>
    </message>
    <message>
        <source>What</source>
        <translation>Quoi</translation>
    </message>
</context>
<context>
    <name>UserContributionsModel</name>
    <message>
        <source>%1 (alert %2)</source>
        <translation>%1 (alerte %2)</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>Points</translation>
    </message>
    <message>
        <source>Detection</source>
        <translation>Détection</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Raison</translation>
    </message>
</context>
<context>
    <name>UserProfileBuilder</name>
    <message>
        <source>%1 on %2</source>
        <translation>%1 sous %2</translation>
    </message>
    <message>
        <source>unknown client</source>
        <translation>client inconnu</translation>
    </message>
    <message numerus="yes">
        <source>first seen in the last %n hour(s) of the window</source>
        <translation>
            <numerusform>vu pour la première fois moins de %n heure avant la fin de la fenêtre</numerusform>
            <numerusform>vu pour la première fois moins de %n heures avant la fin de la fenêtre</numerusform>
        </translation>
    </message>
    <message>
        <source>Okta reported a new device</source>
        <translation>Okta a signalé un nouvel appareil</translation>
    </message>
    <message>
        <source>Okta reported a new location</source>
        <translation>Okta a signalé un nouveau lieu</translation>
    </message>
    <message>
        <source>No user given.</source>
        <translation>Aucun utilisateur indiqué.</translation>
    </message>
    <message>
        <source>Cannot read the responses: %1</source>
        <translation>Impossible de lire les réponses&#xa0;: %1</translation>
    </message>
</context>
<context>
    <name>UserSightingsModel</name>
    <message>
        <source>★ NEW  %1</source>
        <extracomment>Marks a device or place first seen recently</extracomment>
        <translation>★ NOUVEAU  %1</translation>
    </message>
    <message>
        <source>%1 (%2 failed)</source>
        <translation>%1 (%2 en échec)</translation>
    </message>
    <message>
        <source>%1
New: %2</source>
        <translation>%1
Nouveau&#xa0;: %2</translation>
    </message>
    <message>
        <source>Device or client</source>
        <translation>Appareil ou client</translation>
    </message>
    <message>
        <source>Place</source>
        <translation>Lieu</translation>
    </message>
    <message>
        <source>Fingerprint</source>
        <translation>Empreinte</translation>
    </message>
    <message>
        <source>Region</source>
        <translation>Région</translation>
    </message>
    <message>
        <source>First seen</source>
        <translation>Première apparition</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>Dernière apparition</translation>
    </message>
    <message>
        <source>Events</source>
        <translation>Événements</translation>
    </message>
</context>
<context>
    <name>UserTimelineModel</name>
    <message>
        <source>no outcome</source>
        <translation>sans résultat</translation>
    </message>
    <message>
        <source>Okta: %1</source>
        <translation>Okta&#xa0;: %1</translation>
    </message>
    <message>
        <source>Device fingerprint %1</source>
        <translation>Empreinte d&apos;appareil %1</translation>
    </message>
    <message>
        <source>Not linked to an alert of this user</source>
        <translation>Non lié à une alerte de cet utilisateur</translation>
    </message>
    <message>
        <source>Fed %1 (%2)</source>
        <translation>A alimenté %1 (%2)</translation>
    </message>
    <message>
        <source>The alerts an event counted towards: without the alert&apos;s own event list, an event from one of its source IPs while it was open</source>
        <translation>Les alertes auxquelles un événement a contribué&#xa0;: à défaut de la liste d&apos;événements de l&apos;alerte, un événement venant de l&apos;une de ses IP sources pendant qu&apos;elle était ouverte</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Heure</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>Événement</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Résultat</translation>
    </message>
    <message>
        <source>IP</source>
        <translation>IP</translation>
    </message>
    <message>
        <source>Place</source>
        <translation>Lieu</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>Client</translation>
    </message>
    <message>
        <source>Fed alert</source>
        <translation>Alerte alimentée</translation>
    </message>
</context>
<context>
    <name>UserView</name>
    <message>
        <source>Open in Okta</source>
        <translation>Ouvrir dans Okta</translation>
    </message>
    <message>
        <source>Copy link</source>
        <translation>Copier le lien</translation>
    </message>
    <message>
        <source>&amp;Hold (acknowledge)</source>
        <translation>Re&amp;tenir (acquitter)</translation>
    </message>
    <message>
        <source>&amp;Suspend now…</source>
        <translation>&amp;Suspendre maintenant…</translation>
    </message>
    <message>
        <source>&amp;Cancel suspension…</source>
        <translation>&amp;Annuler la suspension…</translation>
    </message>
    <message>
        <source>&amp;Resolve</source>
        <translation>&amp;Résoudre</translation>
    </message>
    <message>
        <source>&amp;False positive…</source>
        <translation>&amp;Faux positif…</translation>
    </message>
    <message>
        <source>Stops the auto-suspension countdown; the alert stays open with you as its owner.</source>
        <translation>Arrête le décompte de la suspension automatique&#xa0;; l&apos;alerte reste ouverte et vous en devenez responsable.</translation>
    </message>
    <message>
        <source>Suspends the Okta account now and ends its sessions (asks first).</source>
        <translation>Suspend le compte Okta maintenant et met fin à ses sessions (avec confirmation).</translation>
    </message>
    <message>
        <source>Cancels the pending suspension; a reason is required.</source>
        <translation>Annule la suspension en attente&#xa0;; un motif est obligatoire.</translation>
    </message>
    <message>
        <source>24 h</source>
        <translation>24 h</translation>
    </message>
    <message>
        <source>The last 24 hours of event time</source>
        <translation>Les dernières 24 heures (heure des événements)</translation>
    </message>
    <message>
        <source>7 days</source>
        <translation>7 jours</translation>
    </message>
    <message>
        <source>The last 7 days of event time</source>
        <translation>Les 7 derniers jours (heure des événements)</translation>
    </message>
    <message>
        <source>Reload</source>
        <translation>Recharger</translation>
    </message>
    <message>
        <source>Read the user&apos;s events, responses and audit records from the store again</source>
        <translation>Relire depuis la base les événements, réponses et enregistrements d&apos;audit de l&apos;utilisateur</translation>
    </message>
    <message>
        <source>Show:</source>
        <translation>Afficher&#xa0;:</translation>
    </message>
    <message>
        <source>Filter events: type, outcome, IP, place, client…</source>
        <translation>Filtrer les événements&#xa0;: type, résultat, IP, lieu, client…</translation>
    </message>
    <message numerus="yes">
        <source>%n event(s) shown</source>
        <translation>
            <numerusform>%n événement affiché</numerusform>
            <numerusform>%n événements affichés</numerusform>
        </translation>
    </message>
    <message>
        <source>Timeline</source>
        <translation>Chronologie</translation>
    </message>
    <message>
        <source>Devices &amp;&amp; places</source>
        <translation>Appareils &amp;&amp; lieux</translation>
    </message>
    <message>
        <source>Why this score</source>
        <translation>Origine du score</translation>
    </message>
    <message>
        <source>&lt;b&gt;AUDIT&lt;/b&gt; — records about this user and their alerts, newest first</source>
        <translation>&lt;b&gt;AUDIT&lt;/b&gt; — enregistrements concernant cet utilisateur et ses alertes, les plus récents en premier</translation>
    </message>
    <message>
        <source>Response &amp;&amp; audit</source>
        <translation>Réponse &amp;&amp; audit</translation>
    </message>
    <message>
        <source>The store is not available: no stored events to show.</source>
        <translation>La base n&apos;est pas disponible&#xa0;: aucun événement stocké à afficher.</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Chargement…</translation>
    </message>
    <message>
        <source>No stored events for this user in the last 7 days</source>
        <translation>Aucun événement stocké pour cet utilisateur au cours des 7 derniers jours</translation>
    </message>
    <message>
        <source>%1 events in the last 7 days, newest %2</source>
        <translation>%1 événements au cours des 7 derniers jours, le plus récent %2</translation>
    </message>
    <message>
        <source>(the newest %1 only, from %2)</source>
        <translation>(uniquement les %1 plus récents, depuis %2)</translation>
    </message>
    <message>
        <source>&lt;b&gt;DEVICES&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;APPAREILS&lt;/b&gt; %1</translation>
    </message>
    <message numerus="yes">
        <source>· &lt;b&gt;%n new&lt;/b&gt;</source>
        <translation>
            <numerusform>· &lt;b&gt;%n nouveau&lt;/b&gt;</numerusform>
            <numerusform>· &lt;b&gt;%n nouveaux&lt;/b&gt;</numerusform>
        </translation>
    </message>
    <message>
        <source>· none new</source>
        <translation>· aucun nouveau</translation>
    </message>
    <message>
        <source>&lt;b&gt;PLACES&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;LIEUX&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>Link to the Okta admin console copied</source>
        <translation>Lien vers la console d&apos;administration Okta copié</translation>
    </message>
    <message>
        <source>&lt;b&gt;No user&lt;/b&gt;</source>
        <translation>&lt;b&gt;Aucun utilisateur&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Press U on an alert or click a user on the risk board.</source>
        <translation>Appuyez sur U sur une alerte ou cliquez sur un utilisateur dans le tableau des risques.</translation>
    </message>
    <message>
        <source>risk &lt;b&gt;%1&lt;/b&gt; %2</source>
        <translation>risque &lt;b&gt;%1&lt;/b&gt; %2</translation>
    </message>
    <message>
        <source>(peak %1)</source>
        <translation>(pic %1)</translation>
    </message>
    <message>
        <source>not at risk now</source>
        <translation>pas à risque actuellement</translation>
    </message>
    <message>
        <source>reports to %1</source>
        <translation>responsable&#xa0;: %1</translation>
    </message>
    <message>
        <source>Okta id not seen yet</source>
        <translation>ID Okta pas encore vu</translation>
    </message>
    <message>
        <source>Okta id %1</source>
        <translation>ID Okta %1</translation>
    </message>
    <message>
        <source>last seen in %1</source>
        <translation>dernière localisation&#xa0;: %1</translation>
    </message>
    <message>
        <source>The Okta admin console&apos;s address is not known.</source>
        <translation>L&apos;adresse de la console d&apos;administration Okta n&apos;est pas connue.</translation>
    </message>
    <message>
        <source>The user&apos;s Okta id is not in the stored events yet.</source>
        <translation>L&apos;ID Okta de l&apos;utilisateur ne figure pas encore dans les événements stockés.</translation>
    </message>
    <message>
        <source>Open %1</source>
        <translation>Ouvrir %1</translation>
    </message>
    <message>
        <source>Copy %1</source>
        <translation>Copier %1</translation>
    </message>
    <message>
        <source>&lt;b&gt;WHY&lt;/b&gt; — no open alert and no recent risk for this user.</source>
        <translation>&lt;b&gt;POURQUOI&lt;/b&gt; — aucune alerte ouverte ni risque récent pour cet utilisateur.</translation>
    </message>
    <message>
        <source>&lt;b&gt;WHY %1&lt;/b&gt; — %2</source>
        <translation>&lt;b&gt;POURQUOI %1&lt;/b&gt; — %2</translation>
    </message>
    <message>
        <source>The recent contributions behind the score, newest first. The score is their sum, decayed with time and capped at 100.</source>
        <translation>Les contributions récentes à l&apos;origine du score, les plus récentes en premier. Le score est leur somme, atténuée avec le temps et plafonnée à 100.</translation>
    </message>
    <message>
        <source>Acts on alert %1</source>
        <translation>Agit sur l&apos;alerte %1</translation>
    </message>
    <message>
        <source>The user has no open alert</source>
        <translation>L&apos;utilisateur n&apos;a pas d&apos;alerte ouverte</translation>
    </message>
    <message>
        <source>&lt;b&gt;RESPONSE&lt;/b&gt; — the automation has not acted on this user.</source>
        <translation>&lt;b&gt;RÉPONSE&lt;/b&gt; — l&apos;automatisation n&apos;a pas agi sur cet utilisateur.</translation>
    </message>
    <message>
        <source>&lt;b&gt;RESPONSE&lt;/b&gt; to %1: &lt;b&gt;%2&lt;/b&gt;</source>
        <translation>&lt;b&gt;RÉPONSE&lt;/b&gt; à %1&#xa0;: &lt;b&gt;%2&lt;/b&gt;</translation>
    </message>
    <message>
        <source>auto-suspend in &lt;b&gt;%1&lt;/b&gt; unless acknowledged</source>
        <translation>suspension automatique dans &lt;b&gt;%1&lt;/b&gt; sauf acquittement</translation>
    </message>
    <message>
        <source>Step-up: %1</source>
        <translation>Authentification renforcée&#xa0;: %1</translation>
    </message>
    <message>
        <source>none</source>
        <translation>aucune</translation>
    </message>
    <message>
        <source>Acknowledged by %1</source>
        <translation>Acquittée par %1</translation>
    </message>
    <message>
        <source>Reason: %1</source>
        <translation>Motif&#xa0;: %1</translation>
    </message>
    <message>
        <source>Ticket %1</source>
        <translation>Ticket %1</translation>
    </message>
    <message>
        <source>Decision: %1</source>
        <translation>Décision&#xa0;: %1</translation>
    </message>
    <message>
        <source>%1 %2 (%3)</source>
        <translation>%1 %2 (%3)</translation>
    </message>
    <message>
        <source>Earlier: %1</source>
        <translation>Précédemment&#xa0;: %1</translation>
    </message>
    <message>
        <source>%1 by %2 until %3: %4</source>
        <translation>%1 par %2 jusqu&apos;à %3&#xa0;: %4</translation>
    </message>
    <message>
        <source>all detections</source>
        <translation>toutes les détections</translation>
    </message>
    <message>
        <source>&lt;b&gt;Suppressed&lt;/b&gt;: %1</source>
        <translation>&lt;b&gt;En sourdine&lt;/b&gt;&#xa0;: %1</translation>
    </message>
</context>
<context>
    <name>VigilSim</name>
    <message>
        <source>A simulated Okta org (System Log, Users, Factors, Groups) and PagerDuty, served over HTTP.</source>
        <translation>Une organisation Okta simulée (System Log, Users, Factors, Groups) et PagerDuty, servis en HTTP.</translation>
    </message>
    <message>
        <source>Address and port to listen on (port 0: any free one).</source>
        <translation>Adresse et port d&apos;écoute (port 0&#xa0;: n&apos;importe quel port libre).</translation>
    </message>
    <message>
        <source>Seed: the same seed gives the same org and traffic.</source>
        <translation>Graine&#xa0;: la même graine donne la même organisation et le même trafic.</translation>
    </message>
    <message>
        <source>Number of people in the org.</source>
        <translation>Nombre de personnes dans l&apos;organisation.</translation>
    </message>
    <message>
        <source>Sim seconds per real second.</source>
        <translation>Secondes simulées par seconde réelle.</translation>
    </message>
    <message>
        <source>Hours of traffic already in the log at start.</source>
        <translation>Heures de trafic déjà présentes dans le journal au démarrage.</translation>
    </message>
    <message>
        <source>Faults on /api/v1/logs: 429burst,500,slow,truncated,expiredcursor, each optionally =PROBABILITY or @REQUEST_NUMBER.</source>
        <translation>Pannes sur /api/v1/logs&#xa0;: 429burst,500,slow,truncated,expiredcursor, chacune éventuellement suivie de =PROBABILITÉ ou @NUMÉRO_DE_REQUÊTE.</translation>
    </message>
    <message>
        <source>The Okta API token clients must send (SSWS).</source>
        <translation>Le jeton d&apos;API Okta que les clients doivent envoyer (SSWS).</translation>
    </message>
    <message>
        <source>The PagerDuty routing key (32 characters).</source>
        <translation>La clé de routage PagerDuty (32 caractères).</translation>
    </message>
    <message>
        <source>The PagerDuty REST API token.</source>
        <translation>Le jeton d&apos;API REST PagerDuty.</translation>
    </message>
    <message>
        <source>Requests per minute allowed on /api/v1/logs.</source>
        <translation>Requêtes par minute autorisées sur /api/v1/logs.</translation>
    </message>
    <message>
        <source>Run an attack (%1), optionally @MINUTES of sim time after the start (default 1). Repeatable.</source>
        <translation>Lancer une attaque (%1), éventuellement @MINUTES de temps simulé après le démarrage (1 par défaut). Option répétable.</translation>
    </message>
    <message>
        <source>Deliver Event Hooks to this URL (after verification).</source>
        <translation>Livrer les Event Hooks à cette URL (après vérification).</translation>
    </message>
    <message>
        <source>The Authorization header value sent with Event Hooks.</source>
        <translation>La valeur de l&apos;en-tête Authorization envoyée avec les Event Hooks.</translation>
    </message>
    <message>
        <source>--seed needs a whole number</source>
        <translation>--seed attend un nombre entier</translation>
    </message>
    <message>
        <source>--users needs a number of at least 2</source>
        <translation>--users attend un nombre supérieur ou égal à 2</translation>
    </message>
    <message>
        <source>--speed needs a positive number</source>
        <translation>--speed attend un nombre positif</translation>
    </message>
    <message>
        <source>--history-hours needs a number of hours</source>
        <translation>--history-hours attend un nombre d&apos;heures</translation>
    </message>
    <message>
        <source>--rate-limit needs a positive number</source>
        <translation>--rate-limit attend un nombre positif</translation>
    </message>
    <message>
        <source>--routing-key must be 32 characters, as PagerDuty&apos;s integration keys are</source>
        <translation>--routing-key doit comporter 32 caractères, comme les clés d&apos;intégration PagerDuty</translation>
    </message>
    <message>
        <source>--faults: %1</source>
        <translation>--faults&#xa0;: %1</translation>
    </message>
    <message>
        <source>--listen needs ADDRESS:PORT, e.g. 127.0.0.1:8080</source>
        <translation>--listen attend ADRESSE:PORT, par ex. 127.0.0.1:8080</translation>
    </message>
    <message>
        <source>vigil-sim: warning: %1 is not a loopback address; the simulator has no TLS and is meant for this machine only</source>
        <translation>vigil-sim&#xa0;: avertissement&#xa0;: %1 n&apos;est pas une adresse de bouclage&#xa0;; le simulateur n&apos;a pas de TLS et n&apos;est destiné qu&apos;à cette machine</translation>
    </message>
    <message>
        <source>unknown attack &apos;%1&apos; (known: %2)</source>
        <translation>attaque inconnue &apos;%1&apos; (connues&#xa0;: %2)</translation>
    </message>
    <message>
        <source>--attack %1: minutes must be a number</source>
        <translation>--attack %1&#xa0;: les minutes doivent être un nombre</translation>
    </message>
    <message>
        <source>vigil-sim: cannot listen on %1:%2</source>
        <translation>vigil-sim&#xa0;: impossible d&apos;écouter sur %1:%2</translation>
    </message>
    <message>
        <source>attack %1 on %2 from %3 at %4</source>
        <translation>attaque %1 sur %2 depuis %3 à %4</translation>
    </message>
    <message>
        <source>--hook-url is not a URL</source>
        <translation>--hook-url n&apos;est pas une URL</translation>
    </message>
    <message>
        <source>event hook verified</source>
        <translation>Event Hook vérifié</translation>
    </message>
    <message>
        <source>event hook verification failed</source>
        <translation>échec de la vérification de l&apos;Event Hook</translation>
    </message>
    <message>
        <source>vigil-sim: %1 people, seed %2, speed %3x, serving %4 (Okta token: %5, PagerDuty routing key: %6)</source>
        <translation>vigil-sim&#xa0;: %1 personnes, graine %2, vitesse %3x, service sur %4 (jeton Okta&#xa0;: %5, clé de routage PagerDuty&#xa0;: %6)</translation>
    </message>
</context>
<context>
    <name>WelcomePage</name>
    <message>
        <source>&amp;Explore with the demo tenant</source>
        <translation>&amp;Explorer avec le tenant de démonstration</translation>
    </message>
    <message>
        <source>&amp;Connect to your Okta org</source>
        <translation>&amp;Connecter votre organisation Okta</translation>
    </message>
    <message>
        <source>Welcome to Vigil</source>
        <translation>Bienvenue dans Vigil</translation>
    </message>
    <message>
        <source>Vigil watches your Okta System Log, scores every user&apos;s account-takeover risk and shows who is under attack, why, and what the automation will do next.</source>
        <translation>Vigil surveille le System Log de votre organisation Okta, évalue le risque de prise de contrôle de compte de chaque utilisateur et montre qui est attaqué, pourquoi, et ce que l&apos;automatisation va faire ensuite.</translation>
    </message>
    <message>
        <source>Open the &amp;demo</source>
        <translation>Ouvrir la &amp;démo</translation>
    </message>
    <message>
        <source>Read your org&apos;s System Log with an API token or an OAuth service app. Vigil starts in monitor mode: it changes nothing in Okta until you turn on enforce.</source>
        <translation>Lire le System Log de votre organisation avec un jeton d&apos;API ou une application de service OAuth. Vigil démarre en mode surveillance&#xa0;: il ne modifie rien dans Okta tant que vous n&apos;activez pas le mode intervention.</translation>
    </message>
    <message>
        <source>A simulated Okta org on this computer: 200 people, a day of history and scripted attacks to triage. No credentials; nothing leaves this machine.</source>
        <translation>Une organisation Okta simulée sur cet ordinateur&#xa0;: 200 personnes, une journée d&apos;historique et des attaques scénarisées à trier. Aucun identifiant&#xa0;; rien ne quitte cette machine.</translation>
    </message>
</context>
<context>
    <name>WorldMapWidget</name>
    <message>
        <source>World map of sign-ins</source>
        <translation>Carte mondiale des connexions</translation>
    </message>
    <message>
        <source>Sign-ins as markers by risk, impossible travel as arcs. Plus and minus zoom, arrow keys pan, Home resets the view.</source>
        <translation>Les connexions sont représentées par des marqueurs selon leur risque, les voyages impossibles par des arcs. Plus et moins pour zoomer, flèches pour se déplacer, Début pour réinitialiser la vue.</translation>
    </message>
    <message>
        <source>IP %1</source>
        <translation>IP %1</translation>
    </message>
    <message>
        <source>Risk %1 · %2</source>
        <translation>Risque %1 · %2</translation>
    </message>
    <message>
        <source>Failed sign-in</source>
        <translation>Échec de connexion</translation>
    </message>
    <message numerus="yes">
        <source>%n sign-in(s)</source>
        <translation>
            <numerusform>%n connexion</numerusform>
            <numerusform>%n connexions</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>… and %n more</source>
        <translation>
            <numerusform>… et %n de plus</numerusform>
            <numerusform>… et %n de plus</numerusform>
        </translation>
    </message>
    <message>
        <source>Click to list them; zoom in to separate them.</source>
        <translation>Cliquez pour les lister&#xa0;; zoomez pour les séparer.</translation>
    </message>
    <message>
        <source>Impossible travel</source>
        <translation>Voyage impossible</translation>
    </message>
    <message>
        <source>%1 → %2</source>
        <translation>%1 → %2</translation>
    </message>
    <message>
        <source>%1 km at %2 km/h</source>
        <translation>%1 km à %2 km/h</translation>
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
        <translation>Données cartographiques&#xa0;: Natural Earth&#xa0;; world-atlas, ISC</translation>
    </message>
    <message>
        <source>No sign-ins to show yet</source>
        <translation>Aucune connexion à afficher pour le moment</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Keep Vigil&apos;s database in DIR.</source>
        <translation>Conserver la base de données de Vigil dans DOSSIER.</translation>
    </message>
    <message>
        <source>DIR</source>
        <translation>DOSSIER</translation>
    </message>
    <message>
        <source>Save a picture of the window to FILE (PNG) once it is shown, then quit.</source>
        <translation>Enregistrer une capture de la fenêtre dans FICHIER (PNG) une fois affichée, puis quitter.</translation>
    </message>
    <message>
        <source>FILE</source>
        <translation>FICHIER</translation>
    </message>
    <message>
        <source>Run against a built-in simulated Okta org (no credentials, no network).</source>
        <translation>Fonctionner avec une organisation Okta simulée intégrée (sans identifiants, sans réseau).</translation>
    </message>
    <message>
        <source>How much faster time runs in the demo org.</source>
        <translation>Facteur d&apos;accélération du temps dans l&apos;organisation de démonstration.</translation>
    </message>
    <message>
        <source>FACTOR</source>
        <translation>FACTEUR</translation>
    </message>
    <message>
        <source>Milliseconds to wait before the screenshot.</source>
        <translation>Millisecondes d&apos;attente avant la capture d&apos;écran.</translation>
    </message>
    <message>
        <source>MS</source>
        <translation>MS</translation>
    </message>
    <message>
        <source>Seconds of demo traffic before the screenshot (instead of --screenshot-delay).</source>
        <translation>Secondes de trafic de démonstration avant la capture d&apos;écran (au lieu de --screenshot-delay).</translation>
    </message>
    <message>
        <source>SECONDS</source>
        <translation>SECONDES</translation>
    </message>
    <message>
        <source>Appearance: system, light or dark (remembered from the View menu otherwise).</source>
        <translation>Apparence&#xa0;: system, light ou dark (sinon, celle mémorisée depuis le menu Affichage).</translation>
    </message>
    <message>
        <source>THEME</source>
        <translation>THÈME</translation>
    </message>
    <message>
        <source>vigil: --demo-speed must be between 0 and 3600
</source>
        <translation>vigil&#xa0;: --demo-speed doit être compris entre 0 et 3600
</translation>
    </message>
    <message>
        <source>vigil: the demo could not start: %1
</source>
        <translation>vigil&#xa0;: la démo n&apos;a pas pu démarrer&#xa0;: %1
</translation>
    </message>
    <message>
        <source>Vigil — demo tenant (simulated Okta org)</source>
        <translation>Vigil — tenant de démonstration (organisation Okta simulée)</translation>
    </message>
    <message>
        <source>Vigil — %1</source>
        <translation>Vigil — %1</translation>
    </message>
    <message>
        <source>vigil: cannot connect to %1: %2
</source>
        <translation>vigil&#xa0;: impossible de se connecter à %1&#xa0;: %2
</translation>
    </message>
    <message>
        <source>vigil: --store: %1
</source>
        <translation>vigil&#xa0;: --store&#xa0;: %1
</translation>
    </message>
</context>
<context>
    <name>vigil::ui::EventSourcePage</name>
    <message>
        <source>Copy</source>
        <translation>Copier</translation>
    </message>
    <message>
        <source>Copy to the clipboard</source>
        <translation>Copier dans le presse-papiers</translation>
    </message>
</context>
</TS>
