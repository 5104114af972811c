"""Builds the demo: an admin, a supervisor, three operators, two projects and their contacts."""

import random
from datetime import time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from zvonar.accounts.choices import OperatorStatusChoices
from zvonar.accounts.models import OperatorStatusLog, PauseReason, User
from zvonar.calls.choices import CallDirectionChoices, CallStateChoices, HangupCauseChoices
from zvonar.calls.models import Call
from zvonar.campaigns.choices import (
    DialModeChoices,
    KpiMetricChoices,
    LeadStateChoices,
    MembershipRoleChoices,
    MessageChannelChoices,
    ProjectStatusChoices,
    QuestionTypeChoices,
    ResultClassChoices,
    RetryCauseChoices,
)
from zvonar.campaigns.models import (
    CallResult,
    KpiNorm,
    Lead,
    MessageTemplate,
    Project,
    ProjectMembership,
    Question,
    Questionnaire,
    RetryRule,
    Script,
    ScriptAnswer,
    ScriptStep,
)
from zvonar.crm.choices import ContactKindChoices, FieldTypeChoices, PhoneKindChoices
from zvonar.crm.models import BlacklistEntry, CardField, CardTemplate, Category, Contact, Phone, Tag
from zvonar.crm.phones import InvalidPhone, normalize_phone
from zvonar.tasks.choices import TaskKindChoices
from zvonar.tasks.models import Task

MALE_FIRST = [
    "Александр",
    "Дмитрий",
    "Максим",
    "Сергей",
    "Андрей",
    "Алексей",
    "Артём",
    "Илья",
    "Кирилл",
    "Михаил",
    "Никита",
    "Матвей",
    "Роман",
    "Егор",
    "Иван",
    "Павел",
    "Олег",
]
FEMALE_FIRST = [
    "Анна",
    "Мария",
    "Елена",
    "Ольга",
    "Наталья",
    "Татьяна",
    "Ирина",
    "Екатерина",
    "Светлана",
    "Юлия",
    "Анастасия",
    "Дарья",
    "Ксения",
    "Виктория",
    "Полина",
]
LAST_NAMES = [
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Петров",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
    "Павлов",
    "Козлов",
    "Степанов",
    "Николаев",
    "Орлов",
    "Андреев",
    "Макаров",
    "Никитин",
    "Захаров",
    "Зайцев",
    "Соловьёв",
    "Борисов",
    "Яковлев",
]
MALE_MIDDLE = ["Александрович", "Сергеевич", "Игоревич", "Петрович", "Викторович", "Олегович"]
FEMALE_MIDDLE = ["Александровна", "Сергеевна", "Игоревна", "Петровна", "Викторовна", "Олеговна"]
COMPANIES = [
    "ООО «Вектор»",
    "АО «СибТрансСтрой»",
    "ООО «Уральские окна»",
    "ИП Громов",
    "ООО «Балтика Логистик»",
    "АО «Дальрыбпром»",
    "ООО «Волга-Агро»",
    "ООО «Эталон»",
    "ООО «ТехноМир»",
    "АО «Камский завод»",
]
# Area or DEF code, city, time zone: landlines carry their zone, mobiles their home region's.
NUMBERING = [
    ("495", "Москва"),
    ("499", "Москва"),
    ("916", "Москва"),
    ("926", "Москва"),
    ("812", "Санкт-Петербург"),
    ("921", "Санкт-Петербург"),
    ("4012", "Калининград"),
    ("846", "Самара"),
    ("343", "Екатеринбург"),
    ("912", "Екатеринбург"),
    ("922", "Пермь"),
    ("383", "Новосибирск"),
    ("913", "Новосибирск"),
    ("391", "Красноярск"),
    ("3952", "Иркутск"),
    ("423", "Владивосток"),
    ("914", "Хабаровск"),
]
STREETS = [
    "ул. Ленина",
    "ул. Мира",
    "пр. Победы",
    "ул. Гагарина",
    "ул. Советская",
    "ул. Садовая",
    "ул. Лесная",
    "наб. Реки",
    "ул. Школьная",
]


def _phone(rng: random.Random) -> tuple[str, str]:
    while True:
        code, city = rng.choice(NUMBERING)
        subscriber = "".join(str(rng.randint(0, 9)) for _ in range(10 - len(code)))
        if subscriber[0] in "01":
            continue
        try:
            return normalize_phone(f"8 ({code}) {subscriber}").e164, city
        except InvalidPhone:
            continue


def _users() -> dict[str, User]:
    people = {
        "admin": ("Анна", "Админова", True),
        "supervisor": ("Сергей", "Супервайзеров", False),
        "operator1": ("Ольга", "Операторова", False),
        "operator2": ("Иван", "Звонарёв", False),
        "operator3": ("Мария", "Тихонова", False),
    }
    users = {}
    for username, (first, last, is_admin) in people.items():
        user = User(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@zvonar.example",
            is_staff=is_admin,
            is_superuser=is_admin,
            is_demo=True,
        )
        user.set_password(settings.ZVONAR_DEMO_PASSWORD)
        user.save()
        users[username] = user
    # operator3 demonstrates hidden numbers: they never reach her browser.
    users["operator3"].phones_hidden = True
    users["operator3"].save(update_fields=["phones_hidden"])
    return users


def _card_template() -> CardTemplate:
    template = CardTemplate.objects.create(
        name="Страхование авто", description="Карточка клиента для продаж ОСАГО и КАСКО"
    )
    fields = [
        (
            "car_brand",
            "Марка автомобиля",
            FieldTypeChoices.SELECT,
            ["Lada", "Kia", "Hyundai", "Toyota", "Volkswagen", "Другая"],
            False,
            True,
        ),
        ("policy_expires", "Полис истекает", FieldTypeChoices.DATE, [], False, True),
        ("birth_date", "Дата рождения", FieldTypeChoices.DATE, [], False, True),
        ("driving_years", "Стаж вождения, лет", FieldTypeChoices.NUMBER, [], False, True),
        (
            "products",
            "Интересующие продукты",
            FieldTypeChoices.MULTI_SELECT,
            ["ОСАГО", "КАСКО", "Страхование жизни", "Ипотека"],
            False,
            True,
        ),
        ("consent", "Согласие на обработку данных", FieldTypeChoices.CHECKBOX, [], True, True),
        ("extra_phone", "Дополнительный телефон", FieldTypeChoices.PHONE, [], False, True),
        ("work_email", "Рабочий e-mail", FieldTypeChoices.EMAIL, [], False, True),
        ("client_source", "Источник (заполняет админ)", FieldTypeChoices.TEXT, [], False, False),
        ("notes", "Заметки", FieldTypeChoices.LONG_TEXT, [], False, True),
    ]
    for order, (code, label, kind, options, required, editable) in enumerate(fields):
        CardField.objects.create(
            template=template,
            code=code,
            label=label,
            field_type=kind,
            options=options,
            required=required,
            editable_by_operator=editable,
            order=order,
        )
    return template


def _script() -> Script:
    script = Script.objects.create(name="Продажа ОСАГО", description="Короткий скрипт продажи")
    greet = ScriptStep.objects.create(
        script=script,
        order=0,
        title="Приветствие",
        text="Здравствуйте, {имя}! Меня зовут {оператор}, компания «Звонарь-Страхование». "
        "Вам удобно говорить пару минут?",
    )
    offer = ScriptStep.objects.create(
        script=script,
        order=1,
        title="Предложение",
        text="Ваш полис ОСАГО скоро истекает. Мы можем оформить новый со скидкой до 15 % "
        "и доставкой на дом. Интересно?",
    )
    objection = ScriptStep.objects.create(
        script=script,
        order=2,
        title="Возражение",
        text="Понимаю. Многие наши клиенты сначала тоже сомневались, а потом сэкономили. "
        "Давайте я хотя бы посчитаю стоимость — это займёт минуту?",
    )
    close = ScriptStep.objects.create(
        script=script,
        order=3,
        title="Оформление",
        text="Отлично! Уточню марку автомобиля, стаж и удобное время доставки.",
    )
    later = ScriptStep.objects.create(
        script=script,
        order=4,
        title="Перезвон",
        text="Когда вам будет удобно, чтобы я перезвонил(а)?",
    )
    answers = [
        (greet, "Да, удобно", offer, ""),
        (greet, "Нет, перезвоните позже", later, "Перезвонить"),
        (offer, "Интересно", close, ""),
        (offer, "Не интересно", objection, ""),
        (objection, "Хорошо, посчитайте", close, ""),
        (objection, "Нет, спасибо", None, "Отказ"),
        (close, "Оформляем", None, "Согласие"),
        (later, "Назвал время", None, "Перезвонить"),
    ]
    for order, (step, text, next_step, result) in enumerate(answers):
        ScriptAnswer.objects.create(
            step=step, text=text, next_step=next_step, suggested_result_name=result, order=order
        )
    return script


def _questionnaire() -> Questionnaire:
    questionnaire = Questionnaire.objects.create(name="Удовлетворённость сервисом")
    questions = [
        ("Насколько вы довольны нашим сервисом (1–10)?", QuestionTypeChoices.NUMBER, [], True),
        (
            "Что понравилось больше всего?",
            QuestionTypeChoices.SINGLE_CHOICE,
            ["Скорость", "Цена", "Вежливость", "Другое"],
            False,
        ),
        ("Порекомендуете ли вы нас знакомым?", QuestionTypeChoices.YES_NO, [], True),
        ("Ваши пожелания", QuestionTypeChoices.LONG_TEXT, [], False),
    ]
    for order, (text, kind, options, required) in enumerate(questions):
        Question.objects.create(
            questionnaire=questionnaire,
            text=text,
            question_type=kind,
            options=options,
            required=required,
            order=order,
        )
    return questionnaire


def _results(project: Project) -> dict[str, CallResult]:
    specs = [
        ("Согласие", ResultClassChoices.SUCCESS, True, "1", "#198754"),
        ("Отказ", ResultClassChoices.REFUSAL, True, "2", "#dc3545"),
        ("Перезвонить", ResultClassChoices.CALLBACK, False, "3", "#0d6efd"),
        ("Неверный номер", ResultClassChoices.NO_CONTACT, True, "4", "#6c757d"),
        ("Не тот человек", ResultClassChoices.NO_CONTACT, False, "5", "#adb5bd"),
    ]
    return {
        name: CallResult.objects.create(
            project=project,
            name=name,
            result_class=klass,
            is_final=final,
            hotkey=key,
            color=color,
            order=order,
        )
        for order, (name, klass, final, key, color) in enumerate(specs)
    }


def _retry_rules(project: Project) -> None:
    for cause, delay, attempts in [
        (RetryCauseChoices.NO_ANSWER, 60, 4),
        (RetryCauseChoices.BUSY, 15, 5),
        (RetryCauseChoices.FAILED, 120, 2),
        (RetryCauseChoices.MACHINE, 240, 2),
        # Regulators' rule: an abandoned number waits 72 hours.
        (RetryCauseChoices.ABANDONED, 72 * 60, 2),
    ]:
        RetryRule.objects.create(
            project=project, cause=cause, delay_minutes=delay, max_attempts=attempts
        )


def _contacts(rng: random.Random, count: int, users: dict[str, User]) -> list[Contact]:
    categories = [
        Category.objects.create(name=name)
        for name in ("Новые клиенты", "Постоянные клиенты", "VIP")
    ]
    tags = [
        Tag.objects.create(name=name, color=color)
        for name, color in (("Горячий", "#dc3545"), ("Холодный", "#0dcaf0"), ("Юрлицо", "#6f42c1"))
    ]
    companies = []
    for name in COMPANIES:
        number, city = _phone(rng)
        company = Contact.objects.create(
            kind=ContactKindChoices.COMPANY,
            company_name=name,
            city=city,
            address=f"{city}, {rng.choice(STREETS)}, {rng.randint(1, 120)}",
            category=categories[1],
            source="Демо",
        )
        _add_phone(company, number, PhoneKindChoices.WORK)
        company.tags.add(tags[2])
        companies.append(company)
    contacts: list[Contact] = []
    operators = [users["operator1"], users["operator2"], users["operator3"]]
    for _ in range(count - len(companies)):
        female = rng.random() < 0.5
        last = rng.choice(LAST_NAMES) + ("а" if female else "")
        number, city = _phone(rng)
        company = rng.choice(companies) if rng.random() < 0.1 else None
        contact = Contact.objects.create(
            kind=ContactKindChoices.PERSON,
            last_name=last,
            first_name=rng.choice(FEMALE_FIRST if female else MALE_FIRST),
            middle_name=rng.choice(FEMALE_MIDDLE if female else MALE_MIDDLE),
            company=company,
            company_name=company.company_name if company else "",
            position="Менеджер" if company else "",
            city=city,
            address=f"{city}, {rng.choice(STREETS)}, {rng.randint(1, 120)}, кв. {rng.randint(1, 200)}",
            category=rng.choice(categories),
            responsible=rng.choice(operators) if rng.random() < 0.3 else None,
            source=rng.choice(["Сайт", "Выставка", "Рекомендация", "База партнёра"]),
            custom_fields={
                "car_brand": rng.choice(["Lada", "Kia", "Hyundai", "Toyota", "Volkswagen"]),
                "driving_years": rng.randint(1, 30),
                "consent": True,
            },
        )
        _add_phone(contact, number, PhoneKindChoices.MOBILE)
        if rng.random() < 0.15:
            extra, _ = _phone(rng)
            _add_phone(contact, extra, PhoneKindChoices.HOME, primary=False)
        if rng.random() < 0.2:
            contact.tags.add(rng.choice(tags[:2]))
        contacts.append(contact)
    return contacts


def _add_phone(contact: Contact, e164: str, kind: str, primary: bool = True) -> Phone:
    normalized = normalize_phone(e164)
    return Phone.objects.create(
        contact=contact,
        number=normalized.e164,
        kind=kind,
        country=normalized.country,
        time_zone=normalized.time_zone,
        time_zone_exact=normalized.time_zone_exact,
        is_primary=primary,
    )


def _history(rng, project, results, operators, leads) -> None:
    """A morning of finished calls so that today's counters and histories show something."""
    now = timezone.now()
    for lead in rng.sample(leads, min(40, len(leads))):
        operator = rng.choice(operators)
        started = now - timedelta(minutes=rng.randint(10, 300))
        answered = rng.random() < 0.6
        result = rng.choice(list(results.values())) if answered else None
        call = Call.objects.create(
            direction=CallDirectionChoices.OUTBOUND,
            state=CallStateChoices.ENDED,
            number=lead.phone.number,
            project=project,
            lead=lead,
            contact=lead.contact,
            operator=operator if answered else None,
            created_at=started,
            dial_started_at=started,
            ringing_at=started + timedelta(seconds=2),
            answered_at=started + timedelta(seconds=9) if answered else None,
            connected_at=started + timedelta(seconds=10) if answered else None,
            ended_at=started + timedelta(seconds=rng.randint(40, 400) if answered else 27),
            wrap_up_ended_at=started + timedelta(seconds=420) if answered else None,
            hangup_cause=HangupCauseChoices.NORMAL if answered else HangupCauseChoices.NO_ANSWER,
            result=result,
            comment="Клиент попросил прислать расчёт на почту"
            if result and rng.random() < 0.3
            else "",
        )
        lead.attempts = 1
        lead.last_attempt_at = call.ended_at
        lead.last_result = result
        if result is None:
            lead.state = LeadStateChoices.RETRY
            lead.next_attempt_at = call.ended_at + timedelta(hours=1)
        elif result.is_final:
            lead.state = LeadStateChoices.DONE
        else:
            lead.state = LeadStateChoices.CALLBACK
            lead.assigned_operator = operator
            lead.next_attempt_at = now + timedelta(hours=rng.randint(1, 48))
            Task.objects.create(
                kind=TaskKindChoices.CALLBACK,
                title=f"Перезвонить: {lead.contact}",
                due_at=lead.next_attempt_at,
                is_auto_callback=True,
                assignee=operator,
                contact=lead.contact,
                project=project,
                lead=lead,
                origin_call=call,
                created_by=operator,
            )
        lead.save()


@transaction.atomic
def load_demo(contacts: int = 500, seed: int = 2026) -> bool:
    """Load the demo unless it is there; either way reset the demo passwords. True if loaded."""
    existing = list(User.objects.filter(is_demo=True))
    if existing:
        for user in existing:
            user.set_password(settings.ZVONAR_DEMO_PASSWORD)
            user.save(update_fields=["password"])
        return False
    rng = random.Random(seed)
    users = _users()
    operators = [users["operator1"], users["operator2"], users["operator3"]]
    for order, name in enumerate(["Обед", "Обучение", "Совещание", "Технический перерыв"]):
        PauseReason.objects.create(name=name, order=order, max_minutes=60 if order == 0 else None)
    template = _card_template()
    script = _script()
    questionnaire = _questionnaire()
    sales = Project.objects.create(
        name="Продажа ОСАГО",
        description="Исходящий обзвон клиентов с истекающим полисом",
        status=ProjectStatusChoices.PAUSED,
        start_date=timezone.localdate(),
        dial_mode=DialModeChoices.PREDICTIVE,
        card_template=template,
        script=script,
        quick_comments=[
            "Попросил перезвонить вечером",
            "Отправить расчёт на почту",
            "Уже застрахован",
            "Не владелец автомобиля",
        ],
        caller_id="+74951234567",
        work_start=time(8, 0),
        work_end=time(22, 0),
        created_by=users["admin"],
    )
    survey = Project.objects.create(
        name="Опрос удовлетворённости",
        description="Опрос клиентов после оформления полиса",
        status=ProjectStatusChoices.DRAFT,
        dial_mode=DialModeChoices.PREVIEW,
        card_template=template,
        questionnaire=questionnaire,
        quick_comments=["Доволен", "Есть жалоба", "Попросил не звонить"],
        caller_id="+74951234568",
        created_by=users["admin"],
    )
    for project, members in (
        (sales, ["operator1", "operator2"]),
        (survey, ["operator2", "operator3"]),
    ):
        ProjectMembership.objects.create(
            project=project, user=users["supervisor"], role=MembershipRoleChoices.SUPERVISOR
        )
        for username in members:
            ProjectMembership.objects.create(project=project, user=users[username])
        _retry_rules(project)
    sales_results = _results(sales)
    _results(survey)
    MessageTemplate.objects.create(
        project=sales,
        channel=MessageChannelChoices.EMAIL,
        name="Расчёт ОСАГО",
        subject="Расчёт стоимости полиса ОСАГО",
        body="Здравствуйте, {имя}!\n\nКак договаривались, высылаем расчёт стоимости полиса.",
    )
    MessageTemplate.objects.create(
        project=sales,
        channel=MessageChannelChoices.SMS,
        name="Напоминание",
        body="Звонарь-Страхование: ваш полис ОСАГО истекает. Ответьте ДА, и мы перезвоним.",
    )
    KpiNorm.objects.create(project=sales, metric=KpiMetricChoices.CALLS, target=Decimal(150))
    KpiNorm.objects.create(
        project=sales, metric=KpiMetricChoices.SUCCESSFUL_RESULTS, target=Decimal(12)
    )
    people = _contacts(rng, contacts, users)
    split = int(len(people) * 0.6)
    sales_leads = [
        Lead(
            project=sales,
            contact=contact,
            phone=contact.phones.first(),
            priority=rng.choice([0, 0, 0, 1, 2]),
        )
        for contact in people[:split]
    ]
    survey_leads = [
        Lead(project=survey, contact=contact, phone=contact.phones.first())
        for contact in people[split:]
    ]
    Lead.objects.bulk_create(sales_leads + survey_leads)
    sales_leads = list(Lead.objects.filter(project=sales).select_related("phone", "contact"))
    for lead in rng.sample(sales_leads, 3):
        BlacklistEntry.objects.create(
            number=lead.phone.number,
            reason="Просил больше не звонить",
            created_by=users["supervisor"],
        )
    for reason in ("Жалоба в Роскомнадзор", "Номер сотрудника"):
        number, _ = _phone(rng)
        BlacklistEntry.objects.create(
            number=number, project=sales, reason=reason, created_by=users["admin"]
        )
    _history(rng, sales, sales_results, operators[:2], sales_leads)
    now = timezone.now()
    OperatorStatusLog.objects.create(
        user=users["operator2"],
        status=OperatorStatusChoices.PAUSED,
        reason=PauseReason.objects.get(name="Обед"),
        started_at=now - timedelta(minutes=12),
    )
    OperatorStatusLog.objects.create(
        user=users["operator1"], status=OperatorStatusChoices.OFFLINE, started_at=now
    )
    return True
