# English texts of Vigie's HTML and Markdown reports.
report-title = Security and compliance audit report
skip-to-plan = Skip to the action plan
deployment-unnamed = Unnamed deployment
analysis-date = Situation on { $date }
generated-by = Report produced by Vigie { $version }.
scope = { $artifacts ->
    [one] { $artifacts } file examined
   *[other] { $artifacts } files examined
  } with { $rules ->
    [one] { $rules } check
   *[other] { $rules } checks
  }.

verdict-critical = { $n ->
    [one] Urgent action: one critical problem puts residents or the service at risk. It must be fixed before going live, or right away if the device is already running.
   *[other] Urgent action: { $n } critical problems put residents or the service at risk. They must be fixed before going live, or right away if the devices are already running.
  }
verdict-high = { $n ->
    [one] A fix is needed: one serious problem should be fixed soon by the integrator.
   *[other] Fixes are needed: { $n } serious problems should be fixed soon by the integrator.
  }
verdict-medium = No serious problem. { $n ->
    [one] One point should be improved at the next maintenance.
   *[other] { $n } points should be improved at the next maintenance.
  }
verdict-clean = Nothing to fix in what was examined.
verdict-incomplete = { $n ->
    [one] Warning: one file could not be read, so the examination is incomplete.
   *[other] Warning: { $n } files could not be read, so the examination is incomplete.
  }
verdict-baseline = Since the previous analysis: { $new ->
    [one] { $new } new problem
   *[other] { $new } new problems
  }, { $fixed } fixed.

h-summary = At a glance
h-severity = Problems by severity
h-areas = Problems by area
h-top = The five actions that remove the most risk
h-plan = Action plan
h-suppressed = Accepted risks
h-fixed = Problems fixed since the previous analysis
h-notes = Files that could not be examined
h-about = How to read this report

sev-critical = Critical
sev-high = High
sev-medium = Medium
sev-low = Low
sev-info = Information
sev-critical-help = fix immediately: easy to exploit, serious consequences.
sev-high-help = fix soon, within weeks.
sev-medium-help = plan for the next maintenance.
sev-low-help = good practice to adopt.
sev-info-help = for information, no action expected.

area-firmware = Device software
area-certificates = Certificates and encryption
area-services = Services open on the network
area-declarations = GDPR records and declarations
area-ethics = Ethics and people's rights
area-source = Application code
area-ecology = Ecological transition
area-governance = Data governance
area-col = Area
area-total = Total
area-not-covered = not examined
area-clear = nothing to report
chart-title = Number of problems per area and severity
chart-desc = Bar chart; the same numbers are in the table.

count-problems = { $n ->
    [one] { $n } problem
   *[other] { $n } problems
  }
count-items = { $n ->
    [one] { $n } affected item
   *[other] { $n } affected items
  }
count-new = { $n } new
suppressed-count = { $n ->
    [one] { $n } accepted risk, not counted
   *[other] { $n } accepted risks, not counted
  }
top-none = Nothing urgent: no action is needed.
top-intro = Start with these: they are the fixes that lower the risk the most.

severity-label = Severity
label-what = What was found
label-why = Why it matters
label-fix = What to ask the integrator
label-refs = Laws and standards
label-items = Affected items
col-item = Item
col-detail = Detail
col-problem = Problem
col-reason = Why it was accepted
col-owner = Owner
col-expires = Until
col-level = Level
col-message = Message
more-items = Show the { $n } other items
badge-new = new
no-expiry = no end date
unknown = not given
plan-intro = Each problem comes with why it matters and the fix to ask for. The most serious come first.
suppressed-intro = The authority accepted these problems for a limited time. Auditors still see them, but they are not counted.
notes-intro = These files could not be read. Any problem they contain is missing from this report.
fixed-intro = These problems were in the previous analysis and are gone.
level-error = error
level-warning = warning
level-note = note

filter-legend = Filter the action plan
filter-severity = Severity
filter-area = Area
filter-all = All
filter-count = { $n ->
    [one] { $n } problem shown
   *[other] { $n } problems shown
  }

about-1 = Vigie examines the files the integrator provides (certificates, device software, network scans, the record of processing activities) and checks them against rules drawn from ANSSI and CNIL guidance, the GDPR and the European standard ETSI EN 303 645 for connected devices.
about-2 = Vigie changed nothing and connected to no device. Each problem is a verifiable fact: the detail gives the file and the exact place.
about-3 = This report can be sent as is to the integrator: "What to ask the integrator" describes the expected fix.

md-title = Vigie: scan result
md-counts = Severity | Count
md-new-title = New since the baseline
md-new-none = No new problem since the baseline.
md-top-title = Most frequent rules
md-rule = Rule
md-count = Count
md-new-col = New
md-sarif = Full results (SARIF): { $path }
md-more = … and { $n } more.
pack-provenance = rule from pack { $pack } { $version } ({ $publisher })
pack-provenance-unsigned = rule from UNSIGNED pack { $pack } { $version } ({ $publisher })
