"""Performance evaluation (绩效评估): indicator systems, rounds, values, results, surveys, proposals.

An :class:`IndicatorSystem` (指标体系) is a tree dimension → indicator → sub-indicator for a
:class:`PeerGroup` (e.g. municipal departments, district governments). A :class:`Round` (评估轮次)
evaluates the units in its scope over a period: values are collected (automatic sources and
imports), scored, reviewed, approved and published; a published round is never changed, only
superseded by a new round with a reason. Each unit's :class:`Result` keeps the explanation of its
score (per indicator: raw value, source, normalised value, effective weight, contribution).
Citizen satisfaction :class:`Survey` s (满意度调查) feed an indicator; :class:`Proposal` s carry
loop 1 (recalibration of targets and duties) to a performance-office user's decision.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class PeerGroup(models.Model):
    """Units compared with each other (同类比较组), e.g. municipal departments."""

    code = models.CharField(max_length=64, unique=True, verbose_name=_("编码"))
    name = models.CharField(max_length=200, verbose_name=_("名称"))
    units = models.ManyToManyField("org.Unit", related_name="peer_groups", verbose_name=_("单位"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("比较组")
        verbose_name_plural = _("比较组")

    def __str__(self) -> str:
        return self.name


class Programme(models.Model):
    """A programme (专项) evaluated across the units that carry it — e.g. the year's 民生实事, a major
    project, a set of targets or duty items. ``selection`` says which records are the programme's,
    by the kinds the apps offer through the indicator registry (``PROGRAMMES`` in their
    ``indicators.py``): ``{"targets.source": ["livelihood_project"], "duties.item": ["…"]}``. A special
    evaluation (专项评估) is a round of an indicator system tied to the programme: its automatic
    indicators count only the programme's records, and its peer group is the units that carry it."""

    code = models.CharField(max_length=64, unique=True, verbose_name=_("编码"))
    name = models.CharField(max_length=200, verbose_name=_("名称"))
    description = models.TextField(blank=True, verbose_name=_("说明"))
    selection = models.JSONField(default=dict, verbose_name=_("专项范围"))
    period_start = models.DateField(verbose_name=_("实施期起"))
    period_end = models.DateField(verbose_name=_("实施期止"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("创建时间"))

    class Meta:
        ordering = ["-period_end", "code"]
        verbose_name = _("专项")
        verbose_name_plural = _("专项")
        constraints = [models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")),
                                              name="evaluation_programme_period")]

    def __str__(self) -> str:
        return self.name


class Aggregation(models.TextChoices):
    ARITHMETIC = "arithmetic", _("加权算术平均")
    GEOMETRIC = "geometric", _("加权几何平均")


class MissingPolicy(models.TextChoices):
    RENORMALISE = "renormalise", _("缺项不计，权重重新归一")
    ZERO = "zero", _("缺项按零分计")


class IndicatorSystem(models.Model):
    """An indicator system (指标体系) applied to a peer group."""

    code = models.CharField(max_length=64, unique=True, verbose_name=_("编码"))
    name = models.CharField(max_length=200, verbose_name=_("名称"))
    peer_group = models.ForeignKey(PeerGroup, on_delete=models.PROTECT, related_name="systems",
                                   verbose_name=_("比较组"))
    aggregation = models.CharField(max_length=16, choices=Aggregation.choices, default=Aggregation.ARITHMETIC,
                                   verbose_name=_("综合方法"))
    missing_policy = models.CharField(max_length=16, choices=MissingPolicy.choices,
                                      default=MissingPolicy.RENORMALISE, verbose_name=_("缺失数据处理"))
    # {"<parent code or ''>": {"labels": [...], "matrix": [[...]], "consistency_ratio": 0.02}}: the AHP
    # judgements the sibling weights under each parent were derived from (empty = manual weights).
    ahp = models.JSONField(default=dict, blank=True, verbose_name=_("层次分析判断矩阵"))
    # A special evaluation's system (专项评估指标体系): its automatic indicators count the programme's records only.
    programme = models.ForeignKey(Programme, null=True, blank=True, on_delete=models.PROTECT, related_name="systems",
                                  verbose_name=_("专项"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("创建时间"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("指标体系")
        verbose_name_plural = _("指标体系")

    def __str__(self) -> str:
        return self.name


class IndicatorType(models.TextChoices):
    INPUT = "input", _("投入")
    OUTPUT = "output", _("产出")
    INTERMEDIATE_OUTCOME = "intermediate_outcome", _("中间结果")
    FINAL_OUTCOME = "final_outcome", _("最终结果")


class Polarity(models.TextChoices):
    HIGHER = "higher", _("越高越好")
    LOWER = "lower", _("越低越好")


class Normalisation(models.TextChoices):
    MINMAX = "minmax", _("极差标准化")
    TARGET = "target", _("目标达成度")
    ZSCORE = "zscore", _("标准分")
    LADDER = "ladder", _("阶梯计分")


class Indicator(models.Model):
    """A node of the tree: a dimension (维度, no parent), an indicator or a sub-indicator.

    ``weight`` is relative to its siblings; a leaf's effective weight is the product of the
    normalised sibling weights on its path. Leaves carry the ``source`` of their values: ``manual``
    (imported) or an automatic source's name (``supervision.on_time_rate``…).
    """

    system = models.ForeignKey(IndicatorSystem, on_delete=models.CASCADE, related_name="indicators",
                               verbose_name=_("指标体系"))
    code = models.CharField(max_length=64, verbose_name=_("编码"))
    name = models.CharField(max_length=200, verbose_name=_("名称"))
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children",
                               verbose_name=_("上级指标"))
    type = models.CharField(max_length=24, choices=IndicatorType.choices, default=IndicatorType.OUTPUT,
                            verbose_name=_("类型"))
    polarity = models.CharField(max_length=8, choices=Polarity.choices, default=Polarity.HIGHER,
                                verbose_name=_("方向"))
    unit = models.CharField(max_length=32, blank=True, verbose_name=_("计量单位"))
    weight = models.FloatField(default=1.0, verbose_name=_("权重"))
    source = models.CharField(max_length=64, default="manual", verbose_name=_("数据来源"))
    normalisation = models.CharField(max_length=8, choices=Normalisation.choices, default=Normalisation.MINMAX,
                                     verbose_name=_("标准化方法"))
    target = models.FloatField(null=True, blank=True, verbose_name=_("目标值"))
    ladder = models.JSONField(default=list, blank=True, verbose_name=_("阶梯（阈值, 得分）"))
    sort_order = models.PositiveIntegerField(default=0, verbose_name=_("排序"))

    class Meta:
        ordering = ["system", "sort_order", "code"]
        verbose_name = _("指标")
        verbose_name_plural = _("指标")
        constraints = [
            models.UniqueConstraint(fields=["system", "code"], name="evaluation_indicator_code"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="evaluation_indicator_weight"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def sign(self) -> int:
        return 1 if self.polarity == Polarity.HIGHER else -1


class RoundStatus(models.TextChoices):
    """A round's life: collecting → review → approved → published (or superseded)."""

    COLLECTING = "collecting", _("数据采集")
    REVIEW = "review", _("审核中")
    APPROVED = "approved", _("已批准")
    PUBLISHED = "published", _("已发布")
    SUPERSEDED = "superseded", _("已被替代")


FROZEN = frozenset({RoundStatus.PUBLISHED, RoundStatus.SUPERSEDED})


class Round(models.Model):
    """An evaluation round (评估轮次) of a system over a period, for a scope of units."""

    system = models.ForeignKey(IndicatorSystem, on_delete=models.PROTECT, related_name="rounds",
                               verbose_name=_("指标体系"))
    name = models.CharField(max_length=200, unique=True, verbose_name=_("名称"))
    period_start = models.DateField(verbose_name=_("评估期起"))
    period_end = models.DateField(verbose_name=_("评估期止"))
    due = models.DateField(null=True, blank=True, verbose_name=_("计划完成日期"))
    pilot = models.BooleanField(default=False, verbose_name=_("试点"))
    scope = models.ManyToManyField("org.Unit", related_name="evaluation_rounds", verbose_name=_("评估范围"))
    status = models.CharField(max_length=16, choices=RoundStatus.choices, default=RoundStatus.COLLECTING,
                              db_index=True, verbose_name=_("状态"))
    completeness = models.FloatField(default=0.0, verbose_name=_("数据完整度"))
    scored_at = models.DateTimeField(null=True, blank=True, verbose_name=_("计分时间"))
    published_at = models.DateTimeField(null=True, blank=True, verbose_name=_("发布时间"))
    superseded_by = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="supersedes", verbose_name=_("替代轮次"))
    supersede_reason = models.TextField(blank=True, verbose_name=_("替代理由"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("创建时间"))

    class Meta:
        ordering = ["-period_end", "name"]
        verbose_name = _("评估轮次")
        verbose_name_plural = _("评估轮次")
        constraints = [models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")),
                                              name="evaluation_round_period")]

    def __str__(self) -> str:
        return self.name

    @property
    def frozen(self) -> bool:
        return self.status in FROZEN

    @property
    def programme(self) -> Programme | None:
        """The programme of a special evaluation (专项评估), ``None`` for a regular round."""
        return self.system.programme


class Value(models.Model):
    """A raw indicator value of a unit in a round, with the number of cases behind a rate (``n``)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="values", verbose_name=_("轮次"))
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("单位"))
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values",
                                  verbose_name=_("指标"))
    value = models.FloatField(verbose_name=_("原始值"))
    n = models.FloatField(null=True, blank=True, verbose_name=_("样本量"))
    source = models.CharField(max_length=64, verbose_name=_("来源"))

    class Meta:
        verbose_name = _("指标值")
        verbose_name_plural = _("指标值")
        constraints = [models.UniqueConstraint(fields=["round", "unit", "indicator"], name="evaluation_value_once")]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.unit_id}:{self.indicator_id} = {self.value}"


class Result(models.Model):
    """A unit's composite score and rank in a round, with its explanation (``details``)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="results", verbose_name=_("轮次"))
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="evaluation_results",
                             verbose_name=_("单位"))
    score = models.FloatField(null=True, verbose_name=_("综合得分"))
    rank = models.PositiveIntegerField(default=0, verbose_name=_("排名"))
    # [{"indicator", "name", "source", "raw", "n", "low", "high", "adjusted", "normalised", "weight",
    #   "effective_weight", "contribution"}] and the indicators left out for missing data.
    details = models.JSONField(default=list, verbose_name=_("得分说明"))
    missing = models.JSONField(default=list, blank=True, verbose_name=_("缺失指标"))

    class Meta:
        ordering = ["round", "rank", "unit__code"]
        verbose_name = _("评估结果")
        verbose_name_plural = _("评估结果")
        constraints = [models.UniqueConstraint(fields=["round", "unit"], name="evaluation_result_once")]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.unit_id} {self.score}"


# ----------------------------------------------------------------------------- satisfaction surveys

class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    OPEN = "open", _("收集中")
    CLOSED = "closed", _("已结束")


class Survey(models.Model):
    """A citizen satisfaction survey (满意度调查): questions, district quotas, one-time invitations."""

    code = models.CharField(max_length=64, unique=True, verbose_name=_("编码"))
    title = models.CharField(max_length=200, verbose_name=_("标题"))
    intro = models.TextField(blank=True, verbose_name=_("说明"))
    status = models.CharField(max_length=8, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT,
                              verbose_name=_("状态"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("创建时间"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("满意度调查")
        verbose_name_plural = _("满意度调查")

    def __str__(self) -> str:
        return self.title


class QuestionKind(models.TextChoices):
    LIKERT = "likert", _("满意度（1–5）")
    SINGLE = "single", _("单选")
    MULTIPLE = "multiple", _("多选")
    TEXT = "text", _("文字")


class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(default=0, verbose_name=_("序号"))
    kind = models.CharField(max_length=8, choices=QuestionKind.choices, verbose_name=_("题型"))
    text = models.CharField(max_length=300, verbose_name=_("题目"))
    choices = models.JSONField(default=list, blank=True, verbose_name=_("选项"))
    required = models.BooleanField(default=True, verbose_name=_("必答"))

    class Meta:
        ordering = ["survey", "order", "id"]
        verbose_name = _("题目")
        verbose_name_plural = _("题目")

    def __str__(self) -> str:
        return f"{self.order}. {self.text}"


class Quota(models.Model):
    """How many responses a district may give (抽样配额); the form closes the district when full."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="quotas")
    district = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("区"))
    target = models.PositiveIntegerField(verbose_name=_("配额"))
    filled = models.PositiveIntegerField(default=0, verbose_name=_("已完成"))

    class Meta:
        verbose_name = _("配额")
        verbose_name_plural = _("配额")
        constraints = [
            models.UniqueConstraint(fields=["survey", "district"], name="evaluation_quota_once"),
            models.CheckConstraint(condition=Q(filled__lte=models.F("target")), name="evaluation_quota_not_over"),
        ]

    def __str__(self) -> str:
        return f"{self.district_id}: {self.filled}/{self.target}"

    @property
    def full(self) -> bool:
        return self.filled >= self.target


class Invitation(models.Model):
    """A one-time invitation (一次性邀请码): only the token's SHA-256 is stored."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    district = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("区"))
    token_sha256 = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField(null=True, blank=True, verbose_name=_("使用时间"))

    class Meta:
        verbose_name = _("邀请码")
        verbose_name_plural = _("邀请码")

    def __str__(self) -> str:
        return f"invitation {self.pk} ({'used' if self.used_at else 'unused'})"


class Response(models.Model):
    """One submitted questionnaire: ``answers`` maps question id → answer."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    district = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("区"))
    invitation = models.OneToOneField(Invitation, on_delete=models.PROTECT, related_name="response")
    answers = models.JSONField(default=dict)
    satisfaction = models.FloatField(null=True, verbose_name=_("满意度（0–100）"))
    submitted_at = models.DateTimeField(verbose_name=_("提交时间"))

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("答卷")
        verbose_name_plural = _("答卷")

    def __str__(self) -> str:
        return f"response {self.pk} ({self.district_id})"


# ------------------------------------------------------------------------------------------ loop 1

class ProposalKind(models.TextChoices):
    TARGET_TOO_SOFT = "target_too_soft", _("目标偏低（连续大幅超额完成）")
    TARGET_UNREALISTIC = "target_unrealistic", _("目标不切实际（连续未完成）")
    ZERO_VARIANCE = "zero_variance", _("指标无区分度")
    DUTY_REVIEW = "duty_review", _("职责需复核（持续低分）")


class ProposalStatus(models.TextChoices):
    OPEN = "open", _("待决定")
    ACCEPTED = "accepted", _("已采纳")
    REJECTED = "rejected", _("不予采纳")


# The keys of a proposal's evidence (依据), as the proposals page labels them.
EVIDENCE_LABELS = {"value": _("各单位的取值"), "units": _("单位数"), "attainment": _("历轮目标达成率"),
                   "target": _("目标值"), "normalised": _("历轮标准化值")}


# A proposal's summary and suggestion by kind, rendered from its unit, indicator and evidence in the reader's
# language; the stored ``summary`` and ``suggestion`` hold them in Chinese (the suggestion as the deciding
# user may have edited it).
PROPOSAL_TEXTS = {
    ProposalKind.ZERO_VARIANCE: (_("%(indicator)s：%(units)s个单位取值相同（%(value)s），无区分度"),
                                 _("调整指标口径或从下一轮指标体系中移除")),
    ProposalKind.TARGET_TOO_SOFT: (_("%(unit)s %(indicator)s：连续大幅超额完成，目标可能偏低"), _("调整下一年度目标值")),
    ProposalKind.TARGET_UNREALISTIC: (_("%(unit)s %(indicator)s：连续未完成，目标可能不切实际"), _("调整下一年度目标值")),
    ProposalKind.DUTY_REVIEW: (_("%(unit)s在“%(indicator)s”上连续低分，建议复核相关职责"),
                               _("复核该单位相关权责事项的设定与分工（纳入下一改革批次草案）")),
}


class Proposal(models.Model):
    """A recalibration proposal (校准建议) with its evidence; a performance-office user decides."""

    kind = models.CharField(max_length=24, choices=ProposalKind.choices, verbose_name=_("类型"))
    key = models.CharField(max_length=200, unique=True)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("轮次"))
    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("单位"))
    indicator = models.ForeignKey(Indicator, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("指标"))
    summary = models.CharField(max_length=300, verbose_name=_("摘要"))
    suggestion = models.TextField(blank=True, verbose_name=_("建议"))
    evidence = models.JSONField(default=dict, verbose_name=_("依据"))
    status = models.CharField(max_length=8, choices=ProposalStatus.choices, default=ProposalStatus.OPEN,
                              db_index=True, verbose_name=_("状态"))
    decision_reason = models.TextField(blank=True, verbose_name=_("决定理由"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("决定人"))
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name=_("决定时间"))
    draft = models.CharField(max_length=200, blank=True, verbose_name=_("生成的草案"))

    class Meta:
        ordering = ["status", "kind", "id"]
        verbose_name = _("校准建议")
        verbose_name_plural = _("校准建议")

    def __str__(self) -> str:
        return self.display_summary

    def _texts(self) -> tuple[str, str]:
        """(summary, suggestion) in the active language, from the kind, unit, indicator and evidence."""
        summary, suggestion = PROPOSAL_TEXTS[self.kind]
        values = {"unit": self.unit.display_name if self.unit else "", "indicator": self.indicator.name if self.indicator else "",
                  "units": self.evidence.get("units", ""), "value": f"{self.evidence.get('value', 0):g}"}
        suggestion = str(suggestion)
        ratios, target = self.evidence.get("attainment"), self.evidence.get("target")
        if self.kind in (ProposalKind.TARGET_TOO_SOFT, ProposalKind.TARGET_UNREALISTIC) and ratios and target:
            suggestion += str(_("（建议 %(value)s）") % {"value": f"{target * ratios[-1]:.3g}"})
        return str(summary) % values, suggestion

    def with_texts(self) -> Proposal:
        """The proposal with its summary and suggestion written (in Chinese, the stored language)."""
        with translation.override("zh-hans"):
            self.summary, self.suggestion = self._texts()
        self.summary = self.summary[:300]
        return self

    @property
    def display_summary(self) -> str:
        """The summary in the active language (the stored one for a kind without a text)."""
        return self._texts()[0] if self.kind in PROPOSAL_TEXTS else self.summary

    @property
    def display_suggestion(self) -> str:
        """The suggestion in the active language, unless a user edited it (then as written)."""
        if self.kind not in PROPOSAL_TEXTS:
            return self.suggestion
        with translation.override("zh-hans"):
            generated = self._texts()[1]
        return self._texts()[1] if self.suggestion == generated else self.suggestion

    @property
    def evidence_rows(self) -> list[tuple[str, str]]:
        """The evidence as labelled fields (依据), in the order the proposal kinds write them."""
        rows = []
        for key, value in self.evidence.items():
            shown = "、".join(f"{v:g}" if isinstance(v, float) else str(v) for v in value) if isinstance(value, list) \
                else (f"{value:g}" if isinstance(value, float) else str(value))
            rows.append((str(EVIDENCE_LABELS.get(key, key)), shown))
        return rows

    @property
    def draft_url(self) -> str:
        """Where the draft this proposal became can be seen (a duties draft change), or ``""``."""
        kind, _, key = self.draft.partition(":")
        return f"/duties/drafts/?status=#draft-{key}" if kind == "duties.draftchange" and key else ""
