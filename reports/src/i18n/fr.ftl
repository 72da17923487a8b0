# Textes français des rapports HTML et Markdown de Vigie.
report-title = Rapport d'audit de sécurité et de conformité
skip-to-plan = Aller au plan d'action
deployment-unnamed = Déploiement sans nom
analysis-date = Situation au { $date }
generated-by = Rapport produit par Vigie { $version }.
scope = { $artifacts ->
    [one] { $artifacts } fichier examiné
   *[other] { $artifacts } fichiers examinés
  } avec { $rules ->
    [one] { $rules } règle de contrôle
   *[other] { $rules } règles de contrôle
  }.

verdict-critical = { $n ->
    [one] Action urgente : un problème critique met en danger les habitants ou le service. Il doit être corrigé avant toute mise en service, ou sans attendre si l'équipement fonctionne déjà.
   *[other] Action urgente : { $n } problèmes critiques mettent en danger les habitants ou le service. Ils doivent être corrigés avant toute mise en service, ou sans attendre si les équipements fonctionnent déjà.
  }
verdict-high = { $n ->
    [one] Une correction est nécessaire : un problème sérieux est à faire corriger rapidement par l'intégrateur.
   *[other] Des corrections sont nécessaires : { $n } problèmes sérieux sont à faire corriger rapidement par l'intégrateur.
  }
verdict-medium = Aucun problème grave. { $n ->
    [one] Un point est à améliorer lors de la prochaine intervention.
   *[other] { $n } points sont à améliorer lors de la prochaine intervention.
  }
verdict-clean = Aucun problème à corriger dans les éléments examinés.
verdict-incomplete = { $n ->
    [one] Attention : un fichier n'a pas pu être lu, l'examen est donc incomplet.
   *[other] Attention : { $n } fichiers n'ont pas pu être lus, l'examen est donc incomplet.
  }
verdict-baseline = Depuis l'analyse précédente : { $new ->
    [one] { $new } nouveau problème
   *[other] { $new } nouveaux problèmes
  }, { $fixed ->
    [one] { $fixed } corrigé
   *[other] { $fixed } corrigés
  }.

h-summary = En bref
h-severity = Problèmes par gravité
h-areas = Problèmes par domaine
h-top = Les cinq actions qui réduisent le plus le risque
h-plan = Plan d'action
h-suppressed = Risques acceptés
h-fixed = Problèmes corrigés depuis l'analyse précédente
h-notes = Fichiers qui n'ont pas pu être examinés
h-about = Comment lire ce rapport

sev-critical = Critique
sev-high = Élevée
sev-medium = Moyenne
sev-low = Faible
sev-info = Information
sev-critical-help = à corriger immédiatement : facile à exploiter, conséquences graves.
sev-high-help = à corriger rapidement, dans les semaines qui viennent.
sev-medium-help = à planifier lors de la prochaine intervention.
sev-low-help = bonne pratique à adopter.
sev-info-help = pour information, sans action attendue.

area-firmware = Logiciel des équipements
area-certificates = Certificats et chiffrement
area-services = Services ouverts sur le réseau
area-declarations = Registre et déclarations RGPD
area-ethics = Éthique et droits des personnes
area-source = Code des applications
area-ecology = Transition écologique
area-governance = Gouvernance des données
area-col = Domaine
area-total = Total
area-not-covered = non examiné
area-clear = rien à signaler
chart-title = Nombre de problèmes par domaine et par gravité
chart-desc = Diagramme en barres ; les mêmes chiffres figurent dans le tableau.

count-problems = { $n ->
    [one] { $n } problème
   *[other] { $n } problèmes
  }
count-items = { $n ->
    [one] { $n } élément concerné
   *[other] { $n } éléments concernés
  }
count-new = { $n ->
    [one] dont { $n } nouveau
   *[other] dont { $n } nouveaux
  }
suppressed-count = { $n ->
    [one] { $n } risque accepté, non compté
   *[other] { $n } risques acceptés, non comptés
  }
top-none = Rien d'urgent : aucune action n'est nécessaire.
top-intro = Commencez par celles-ci : ce sont les corrections qui font baisser le risque le plus fortement.

severity-label = Gravité
label-what = Ce qui a été constaté
label-why = Pourquoi c'est important
label-fix = Ce qu'il faut demander à l'intégrateur
label-refs = Textes et normes de référence
label-items = Éléments concernés
col-item = Élément
col-detail = Détail
col-problem = Problème
col-reason = Motif de l'acceptation
col-owner = Responsable
col-expires = Jusqu'au
col-level = Niveau
col-message = Message
more-items = Voir les { $n } autres éléments
badge-new = nouveau
no-expiry = sans échéance
unknown = non précisé
plan-intro = Chaque problème est présenté avec son importance et la correction à demander. Les plus graves viennent en premier.
suppressed-intro = Ces problèmes ont été acceptés par la collectivité pour une durée limitée. Ils restent visibles pour les auditeurs mais ne sont pas comptés.
notes-intro = Ces fichiers n'ont pas pu être lus. Les problèmes qu'ils contiennent éventuellement n'apparaissent pas dans ce rapport.
fixed-intro = Ces problèmes figuraient dans l'analyse précédente et ont disparu.
level-error = erreur
level-warning = avertissement
level-note = remarque

filter-legend = Filtrer le plan d'action
filter-severity = Gravité
filter-area = Domaine
filter-all = Tous
filter-count = { $n ->
    [one] { $n } problème affiché
   *[other] { $n } problèmes affichés
  }

about-1 = Vigie examine les fichiers fournis par l'intégrateur (certificats, logiciels des équipements, relevés du réseau, registre des traitements) et les compare à des règles tirées des recommandations de l'ANSSI et de la CNIL, du RGPD et de la norme européenne ETSI EN 303 645 sur les objets connectés.
about-2 = Vigie n'a rien modifié et ne s'est connecté à aucun équipement. Un problème signalé est un fait vérifiable : le détail indique le fichier et l'endroit précis.
about-3 = Ce rapport peut être transmis tel quel à l'intégrateur : la rubrique « Ce qu'il faut demander à l'intégrateur » décrit la correction attendue.

md-title = Vigie : résultat de l'analyse
md-counts = Gravité | Nombre
md-new-title = Nouveaux depuis la référence
md-new-none = Aucun nouveau problème depuis l'analyse de référence.
md-top-title = Règles les plus fréquentes
md-rule = Règle
md-count = Nombre
md-new-col = Nouveaux
md-sarif = Résultats complets (SARIF) : { $path }
md-more = … et { $n } autres.
pack-provenance = règle du paquet { $pack } { $version } ({ $publisher })
pack-provenance-unsigned = règle du paquet NON SIGNÉ { $pack } { $version } ({ $publisher })
