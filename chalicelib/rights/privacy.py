"""The privacy policy, in English and French, built from settings and the code's own constants.

Every period and name on the page comes from the value the code enforces (the link's lifetime,
the cookie's, the limit windows, the cleanup's rhythm, the export's retention), so the page
cannot drift from what the service does.
"""

from chalicelib.accounts import limits
from chalicelib.accounts.links import LINK_TTL
from chalicelib.accounts.sessions import SESSION_TTL
from chalicelib.core.answers import STRING, TEXT, array, obj, ok
from chalicelib.core.settings import CLEANUP_EVERY_MINUTES, get_settings

LANGUAGES = ("en", "fr")
REGION_NAMES = {"eu-west-3": ("Paris, France", "Paris, France")}


def _duration(seconds, lang):
    units = ((86400, "day", "jour"), (3600, "hour", "heure"), (60, "minute", "minute"))
    for size, en, fr in units:
        if seconds % size == 0:
            n = seconds // size
            word = en if lang == "en" else fr
            return f"{n} {word}{'s' if n > 1 else ''}"
    return f"{seconds} s"


def policy(lang="en"):
    if lang not in LANGUAGES:
        lang = "en"
    s = get_settings()
    fr = lang == "fr"

    def t(en, french):
        return french if fr else en

    def d(seconds):
        return _duration(seconds, lang)

    region = REGION_NAMES.get(s.region, (s.region, s.region))[1 if fr else 0]
    window = max(w for _, w in limits.RULES.values())
    sections = [
        (t("Data controller", "Responsable du traitement"),
         [f"{s.operator_name} — {s.operator_email}"]),
        (t("Data we collect, and why", "Données collectées et finalités"), [
            t("Email address — account creation and sign-in by emailed link, linking your "
              "credits and gallery to you. Legal basis: performance of the contract.",
              "Adresse e-mail — création du compte et connexion par lien envoyé par e-mail, "
              "rattachement de vos crédits et de votre galerie. Base légale : exécution du "
              "contrat."),
            t("Descriptions you enter (context, characters, scenes), the texts of your panels "
              "(captions, speech and thought balloons, who says them, where you placed them, "
              "where each character stands) and the page layout you chose — generating and "
              "lettering the comic you request. Legal basis: performance of the contract.",
              "Descriptions saisies (contexte, personnages, scènes), textes de vos cases "
              "(récitatifs, bulles de dialogue et de pensée, qui les dit, où vous les avez "
              "placés, où se tient chaque personnage) et mise en page choisie — génération et "
              "lettrage de la bande dessinée demandée. Base légale : exécution du contrat."),
            t("An idea you ask us to draft a cartoon from (and the style, number of scenes and "
              "language you chose) — writing a draft for you to edit. It is not stored: it is "
              "checked by the moderation service, sent to the drafting model, and the draft "
              "comes back to your browser only. Legal basis: performance of the contract.",
              "Idée à partir de laquelle vous nous demandez un brouillon (et le style, le "
              "nombre de scènes et la langue choisis) — rédaction d'un brouillon que vous "
              "modifiez. Elle n'est pas conservée : elle est vérifiée par le service de "
              "modération, envoyée au modèle de rédaction, et le brouillon ne revient qu'à "
              "votre navigateur. Base légale : exécution du contrat."),
            t("Generated images and the comic made of them (its pages, PDFs for A4 and US "
              "Letter paper, a CBZ, each panel lettered on its own for reading on a phone, and "
              "where each panel and balloon sits on the pages) — your personal gallery. Legal "
              "basis: performance of the contract.",
              "Images générées et la bande dessinée qui en est faite (ses pages, des PDF aux "
              "formats A4 et US Letter, un CBZ, chaque case lettrée seule pour la lecture sur "
              "téléphone, et la place de chaque case et de chaque bulle sur les pages) — votre "
              "galerie personnelle. Base légale : exécution du contrat."),
            t("Share links — only when you make one: a cartoon's link, its creation date and "
              "its expiry. Anyone holding the link sees that cartoon's title, pages (and each "
              "panel lettered alone, for phones) and texts "
              "(the image addresses carry an opaque account number, never your email address, "
              "credits or other cartoons); search engines are asked not to index it. It stops "
              "working at once when you revoke it, when it expires, when you delete the "
              f"cartoon or your account. Viewing a shared cartoon is limited to "
              f"{limits.RULES['share-view-ip-hour'][0]} views an hour per IP address, counted "
              "as described below. Legal basis: your consent, given by making the link.",
              "Liens de partage — seulement si vous en créez un : le lien d'une bande "
              "dessinée, sa date de création et son expiration. Toute personne qui a le lien "
              "voit le titre, les pages (et chaque case lettrée seule, pour les téléphones) et "
              "les textes de cette bande dessinée (les adresses des "
              "images portent un numéro de compte opaque, jamais votre adresse e-mail, vos "
              "crédits ni vos autres bandes dessinées) ; les moteurs de recherche sont priés "
              "de ne pas l'indexer. Il cesse de fonctionner dès que vous le révoquez, qu'il "
              "expire, ou que vous supprimez la bande dessinée ou votre compte. La consultation "
              f"est limitée à {limits.RULES['share-view-ip-hour'][0]} vues par heure et par "
              "adresse IP, comptées comme décrit ci-dessous. Base légale : votre consentement, "
              "donné en créant le lien."),
            t(f"Redraws: the changed description and the note you write when you ask for a "
              f"scene to be drawn again (sent to OpenAI with the previous image), and up to "
              f"{s.scene_versions_kept} versions of each scene, so you can choose the one your "
              "page shows; beyond that the oldest version not shown is deleted. Legal basis: "
              "performance of the contract.",
              f"Nouveaux dessins : la description modifiée et la note que vous écrivez quand "
              f"vous demandez à redessiner une scène (envoyées à OpenAI avec l'image "
              f"précédente), et jusqu'à {s.scene_versions_kept} versions de chaque scène, pour "
              "choisir celle que montre votre page ; au-delà, la plus ancienne version non "
              "affichée est supprimée. Base légale : exécution du contrat."),
            t("Your character library — the characters you choose to save (name, description "
              "and reference picture), to reuse them in later cartoons. Legal basis: "
              "performance of the contract.",
              "Votre bibliothèque de personnages — les personnages que vous choisissez "
              "d'enregistrer (nom, description et image de référence), pour les réutiliser "
              "dans d'autres cartoons. Base légale : exécution du contrat."),
            t("IP address — anti-abuse limits only, never stored as such: a keyed hash that "
              "cannot be linked from one window to the next. Legal basis: legitimate interest.",
              "Adresse IP — limites anti-abus uniquement, jamais conservée telle quelle : une "
              "empreinte à clé, non reliable d'une fenêtre à l'autre. Base légale : intérêt "
              "légitime."),
            t("Payment data — handled by Stripe (we never see your card); we keep your credit "
              "balance and purchase history. Legal bases: contract and accounting obligations.",
              "Données de paiement — traitées par Stripe (nous ne voyons jamais votre carte) ; "
              "nous conservons votre solde et l'historique d'achats. Bases légales : contrat et "
              "obligations comptables."),
        ]),
        (t("Cookies", "Cookies"), [
            t(f"A single session cookie ({s.cookie_name}), strictly necessary (sign-in and form "
              f"protection), signed, inaccessible to JavaScript, valid {d(SESSION_TTL)}. "
              "No advertising or analytics cookies.",
              f"Un seul cookie de session ({s.cookie_name}), strictement nécessaire (connexion "
              "et protection des formulaires), signé, inaccessible à JavaScript, valable "
              f"{d(SESSION_TTL)}. Aucun cookie publicitaire ou de mesure d'audience."),
            t("Your browser also keeps, on your device only and never sent to us as such: the "
              "language you chose for the site, the page to return to after signing in "
              "(removed once you are back), and the cartoon you are writing on the create page "
              "until you submit it. Clearing the site's data removes them.",
              "Votre navigateur garde aussi, sur votre appareil seulement et sans nous les "
              "envoyer tels quels : la langue choisie pour le site, la page où revenir après "
              "la connexion (effacée une fois revenu), et la bande dessinée que vous rédigez "
              "sur la page de création jusqu'à son envoi. Effacer les données du site les "
              "supprime."),
        ]),
        (t("Recipients and processors", "Destinataires et sous-traitants"), [
            t(f"Amazon Web Services (AWS) — hosting of the application, data and images, in the "
              f"{s.region} region ({region}).",
              f"Amazon Web Services (AWS) — hébergement de l'application, des données et des "
              f"images, dans la région {s.region} ({region})."),
            t("OpenAI (United States) — image generation: the descriptions you enter are sent "
              "to it to draw your cartoons; drafting: the idea you ask a draft from is sent to "
              f"its text model ({s.draft_model}), with a request not to store it; moderation: "
              "the texts you enter are checked by its moderation service.",
              "OpenAI (États-Unis) — génération d'images : les descriptions saisies lui sont "
              "envoyées pour dessiner vos cartoons ; rédaction : l'idée dont vous demandez un "
              f"brouillon est envoyée à son modèle de texte ({s.draft_model}), avec la demande "
              "de ne pas la conserver ; modération : les textes saisis sont vérifiés par son "
              "service de modération."),
            t("Resend — sending sign-in emails.", "Resend — envoi des e-mails de connexion."),
            t("Stripe — payment processing.", "Stripe — traitement des paiements."),
            t("Transfers to the United States rely on standard contractual clauses and/or the "
              "EU-US Data Privacy Framework.",
              "Les transferts vers les États-Unis reposent sur les clauses contractuelles types "
              "et/ou le Data Privacy Framework UE-États-Unis."),
        ]),
        (t("Retention periods", "Durées de conservation"), [
            t("Account, gallery (with the kept versions of each scene and your redraw notes) "
              "and credit balance: as long as the account is active, or until you delete the "
              "cartoon.",
              "Compte, galerie (avec les versions conservées de chaque scène et vos notes de "
              "nouveau dessin) et solde de crédits : tant que le compte est actif, ou jusqu'à "
              "la suppression du cartoon."),
            t("Character library: until you delete the character, or your account; it is "
              "included in your data export.",
              "Bibliothèque de personnages : jusqu'à ce que vous supprimiez le personnage, ou "
              "votre compte ; elle figure dans votre export de données."),
            t(f"Session cookie: {d(SESSION_TTL)}.",
              f"Cookie de session : {d(SESSION_TTL)}."),
            t(f"Sign-in link: {d(LINK_TTL)}; it works once.",
              f"Lien de connexion : {d(LINK_TTL)} ; il ne fonctionne qu'une fois."),
            t(f"Anti-abuse limit windows derived from your IP address: unusable after "
              f"{d(window)}, deleted within {d(CLEANUP_EVERY_MINUTES * 60)} after that.",
              f"Fenêtres anti-abus dérivées de votre adresse IP : inutilisables après "
              f"{d(window)}, supprimées dans les {d(CLEANUP_EVERY_MINUTES * 60)} qui suivent."),
            t(f"Technical logs (no email, IP address or token in them): "
              f"{d(s.log_retention_days * 86400)}.",
              f"Journaux techniques (sans e-mail, adresse IP ni jeton) : "
              f"{d(s.log_retention_days * 86400)}."),
            t(f"Usage records of the drawing service (for each cartoon, the number of images "
              f"and the tokens OpenAI counted; for each image call, the model, size, quality and "
              f"time taken, never your text): with the cartoon, and in the technical logs for "
              f"{d(s.log_retention_days * 86400)}.",
              f"Relevés d'utilisation du service de dessin (pour chaque cartoon, le nombre "
              f"d'images et les jetons comptés par OpenAI ; pour chaque appel, le modèle, la "
              f"taille, la qualité et la durée, jamais vos textes) : avec le cartoon, et dans "
              f"les journaux techniques pendant {d(s.log_retention_days * 86400)}."),
            t(f"Encrypted database backups (point-in-time recovery): "
              f"{d(s.backup_retention_days * 86400)}; a deleted account leaves them by then.",
              f"Sauvegardes chiffrées de la base (restauration à un instant donné) : "
              f"{d(s.backup_retention_days * 86400)} ; un compte supprimé en disparaît alors."),
            t(f"Your data exports: {d(s.export_retention_hours * 3600)}.",
              f"Vos exports de données : {d(s.export_retention_hours * 3600)}."),
            t(f"Purchase records required by accounting law: {s.accounting_retention_years} "
              "years, without your email address once your account is deleted.",
              f"Pièces comptables exigées par la loi : {s.accounting_retention_years} ans, sans "
              "votre adresse e-mail une fois votre compte supprimé."),
        ]),
        (t("Your rights", "Vos droits"), [
            t("You have the right to access, rectify, erase, port, restrict and object to the "
              "processing of your data. From your account page you can download all your data, "
              "change your email address and delete your account and gallery yourself, at once. "
              f"For anything else, write to {s.operator_email}. You may also lodge a complaint "
              "with the CNIL (https://www.cnil.fr).",
              "Vous disposez des droits d'accès, de rectification, d'effacement, de portabilité, "
              "de limitation et d'opposition. Depuis la page de votre compte, vous pouvez "
              "télécharger toutes vos données, changer d'adresse e-mail et supprimer vous-même "
              "votre compte et votre galerie, immédiatement. Pour toute autre demande, écrivez à "
              f"{s.operator_email}. Vous pouvez aussi saisir la CNIL (https://www.cnil.fr)."),
        ]),
        (t("Security", "Sécurité"), [
            t("The site is served only over HTTPS; sessions rely on signed cookies inaccessible "
              "to JavaScript; each gallery is isolated per account and its images are reached "
              "only through short-lived links. No passwords are stored.",
              "Le site est servi exclusivement en HTTPS ; les sessions reposent sur des cookies "
              "signés inaccessibles à JavaScript ; chaque galerie est isolée par compte et ses "
              "images ne sont accessibles que par des liens de courte durée. Aucun mot de passe "
              "n'est stocké."),
        ]),
    ]
    return {
        "lang": lang,
        "title": t("Privacy policy", "Politique de confidentialité"),
        "updated": s.privacy_updated,
        "updated_label": t("Last updated", "Dernière mise à jour"),
        "sections": [{"heading": h, "paragraphs": p} for h, p in sections],
    }


# GET /api/privacy: the policy in the language asked for (English for any other).
POLICY = ok(obj({"lang": TEXT, "title": TEXT, "updated": TEXT, "updated_label": TEXT,
                 "sections": array(obj({"heading": TEXT, "paragraphs": array(STRING)}))}))
QUERY = {"lang": {"type": "string", "description": "en or fr; any other gives English."}}
