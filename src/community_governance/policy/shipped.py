"""The shipped policies, parsed from ``data/*.toml`` (generated; P, all rules).

Do not edit: ``python tools/generate.py`` rewrites this file from the TOML, and a
test keeps the two equal. Loading the default policy from here needs no TOML
parser and no file read.
"""

import datetime as dt
from typing import Any

#: Each shipped policy document, by id, exactly as its TOML file reads.
SHIPPED: dict[str, dict[str, Any]] = {
    "xiamen-127": {
        "policy": {
            "id": "xiamen-127",
            "title": {
                "zh": "127党建引领社区治理机制（厦门试点）",
                "en": "The 127 party-building-led community governance mechanism (Xiamen pilot)",
            },
            "source": "《127党建引领社区治理机制探索》, 党建网, 2021-01-21",
            "format": 1,
        },
        "parameters": {
            "pillars.target": {
                "rule": "P-1",
                "note": {
                    "zh": "治理工作按一分管理、两分协商、七分服务分配",
                    "en": "Governance effort splits 10% management, 20% consultation, 70% service",
                },
                "reference": "article, introduction",
                "values": [
                    {
                        "valid_from": dt.date(2021, 1, 21),
                        "value": {"management": "1/10", "consultation": "2/10", "service": "7/10"},
                    }
                ],
            },
            "pillars.tolerance": {
                "rule": "P-2",
                "note": {
                    "zh": "实际占比与目标相差不超过该值即视为符合1:2:7（原文未规定，取5个百分点）",
                    "en": "A pillar's share within this distance of its target counts as on target (not in the article; 5 points)",
                },
                "values": [{"valid_from": dt.date(2021, 1, 21), "value": "5%"}],
            },
            "management.duty_per_day": {
                "rule": "M-4",
                "note": {
                    "zh": "每天在社区服务站驻站轮值的党代表人数（原文未规定，取1人）",
                    "en": "Party-congress delegates on duty at the service station each day (not in the article; 1)",
                },
                "values": [{"valid_from": dt.date(2021, 1, 21), "value": 1}],
            },
            "consultation.approval.threshold": {
                "rule": "C-3",
                "note": {
                    "zh": "同意的代表达到该比例即确认项目（“以上”含本数）",
                    "en": "A project is confirmed when this share of representatives agrees (the bound itself included)",
                },
                "reference": "article, section 两分协商, 组团协作机制",
                "values": [{"valid_from": dt.date(2021, 1, 21), "value": "85%"}],
            },
            "consultation.approval.base": {
                "rule": "C-3",
                "note": {
                    "zh": "比例的分母：全体应到代表（缺席、弃权均不计为同意）",
                    "en": "The share is of all representatives entitled to vote; absent and abstaining count as not agreeing",
                },
                "values": [{"valid_from": dt.date(2021, 1, 21), "value": "entitled"}],
            },
            "consultation.approval.inclusive": {
                "rule": "C-3",
                "note": {
                    "zh": "恰好达到门槛即通过",
                    "en": "Reaching the threshold exactly approves",
                },
                "values": [{"valid_from": dt.date(2021, 1, 21), "value": True}],
            },
            "consultation.quorum": {
                "rule": "C-3",
                "note": {
                    "zh": "会议有效所需出席比例；0 表示不设法定人数",
                    "en": "Share of entitled representatives who must attend; 0 means no quorum",
                },
                "values": [{"valid_from": dt.date(2021, 1, 21), "value": "0"}],
            },
            "consultation.representatives_per_unit": {
                "rule": "C-3",
                "note": {
                    "zh": "每个组团单位的表决代表人数",
                    "en": "Voting representatives per member unit",
                },
                "values": [{"valid_from": dt.date(2021, 1, 21), "value": 1}],
            },
            "consultation.routing": {
                "rule": "C-4",
                "note": {
                    "zh": "决定后的部署：公共事务交业委会，带动性工作交居民代表，专项需求交对口共建单位",
                    "en": "After a decision: public affairs to owners' committees, mobilisation to resident representatives, specialised needs to the matching co-building unit",
                },
                "reference": "article, section 两分协商, 组团协作机制",
                "values": [
                    {
                        "valid_from": dt.date(2021, 1, 21),
                        "value": {
                            "public_affairs": "owners_committee",
                            "mobilisation": "resident_representatives",
                            "specialised": "co_building_unit",
                        },
                    }
                ],
            },
            "consultation.follow_up_days": {
                "rule": "C-4",
                "note": {
                    "zh": "会议决定后多少天复查项目落实情况（原文未规定，取30天）",
                    "en": "Days after a meeting when its decisions are reviewed (not in the article; 30)",
                },
                "values": [{"valid_from": dt.date(2021, 1, 21), "value": 30}],
            },
            "evaluation.weights": {
                "rule": "E-5",
                "note": {
                    "zh": "最终成绩 = 10%自评 + 40%互评均分 + 50%民意测评均分",
                    "en": "Final score = 10% self + 40% mean of peers + 50% mean of the public-opinion survey",
                },
                "reference": "article, section 两分协商, 监督评价机制",
                "values": [
                    {
                        "valid_from": dt.date(2021, 1, 21),
                        "value": {"self": "1/10", "peer": "4/10", "public": "5/10"},
                    }
                ],
            },
            "evaluation.dimension_weights": {
                "rule": "E-2",
                "note": {
                    "zh": "六个维度的权重（原文未规定，取等权）",
                    "en": "Weights of the six dimensions (not in the article; equal)",
                },
                "values": [
                    {
                        "valid_from": dt.date(2021, 1, 21),
                        "value": {
                            "service_attitude": "1/6",
                            "professional_level": "1/6",
                            "execution_ability": "1/6",
                            "coordination_ability": "1/6",
                            "task_completion": "1/6",
                            "public_satisfaction": "1/6",
                        },
                    }
                ],
            },
            "evaluation.scale": {
                "rule": "E-2",
                "note": {"zh": "每个维度的评分范围", "en": "The range each dimension is scored on"},
                "values": [
                    {"valid_from": dt.date(2021, 1, 21), "value": {"min": "0", "max": "100"}}
                ],
            },
            "evaluation.peer.aggregation": {
                "rule": "E-3",
                "note": {
                    "zh": "互评汇总方式：其他单位评分的算术平均（可选去掉最高最低分）",
                    "en": "Peer ratings combine as the mean over the other units (trimmed mean optional)",
                },
                "values": [{"valid_from": dt.date(2021, 1, 21), "value": "mean"}],
            },
            "evaluation.peer.min_raters": {
                "rule": "E-3",
                "note": {
                    "zh": "互评均分至少需要的评分单位数",
                    "en": "Fewest peer raters for a peer mean",
                },
                "values": [{"valid_from": dt.date(2021, 1, 21), "value": 1}],
            },
            "evaluation.peer.trim_min_raters": {
                "rule": "E-5",
                "note": {
                    "zh": "去掉最高最低分所需的最少评分单位数，不足时取算术平均",
                    "en": "Fewest peer raters for the trimmed mean; below it the plain mean is used",
                },
                "values": [{"valid_from": dt.date(2021, 1, 21), "value": 5}],
            },
            "evaluation.survey.size": {
                "rule": "E-4",
                "note": {
                    "zh": "民意测评随机抽取的户数",
                    "en": "Households drawn at random for the public-opinion survey",
                },
                "reference": "article, section 两分协商, 监督评价机制",
                "values": [{"valid_from": dt.date(2021, 1, 21), "value": 100}],
            },
            "evaluation.survey.small_frame": {
                "rule": "E-4",
                "note": {
                    "zh": "住户不足抽样数时，全部住户参与调查",
                    "en": "With fewer households than the sample size, every household is surveyed",
                },
                "values": [{"valid_from": dt.date(2021, 1, 21), "value": "census"}],
            },
            "input.ids.lookalikes": {
                "rule": "E-4",
                "note": {
                    "zh": "住户与单位编号中形近字符（拉丁、西里尔、希腊字母，全角）混用时报错",
                    "en": "Ids that look alike (Latin, Cyrillic or Greek letters, full-width forms) are an error at input",
                },
                "values": [{"valid_from": dt.date(2021, 1, 21), "value": "error"}],
            },
            "evaluation.survey.answer_scale": {
                "rule": "E-4",
                "note": {
                    "zh": "满意度五级量表（参照GB/T 39735好差评等级）及各级分值",
                    "en": "Five-level satisfaction scale (after the GB/T 39735 levels) and the score of each level",
                },
                "reference": "GB/T 39735-2020",
                "values": [
                    {
                        "valid_from": dt.date(2021, 1, 21),
                        "value": {
                            "name": "gbt-39735-five-level",
                            "levels": [
                                {
                                    "code": "very_satisfied",
                                    "zh": "非常满意",
                                    "en": "very satisfied",
                                    "score": "100",
                                },
                                {
                                    "code": "satisfied",
                                    "zh": "满意",
                                    "en": "satisfied",
                                    "score": "80",
                                },
                                {
                                    "code": "basically_satisfied",
                                    "zh": "基本满意",
                                    "en": "basically satisfied",
                                    "score": "60",
                                },
                                {
                                    "code": "dissatisfied",
                                    "zh": "不满意",
                                    "en": "dissatisfied",
                                    "score": "40",
                                },
                                {
                                    "code": "very_dissatisfied",
                                    "zh": "非常不满意",
                                    "en": "very dissatisfied",
                                    "score": "20",
                                },
                            ],
                        },
                    }
                ],
            },
            "evaluation.survey.z": {
                "rule": "E-4",
                "note": {
                    "zh": "调查均值95%置信区间所用的正态分位数",
                    "en": "Normal quantile for the 95% interval of survey means",
                },
                "values": [{"valid_from": dt.date(2021, 1, 21), "value": "1.959963984540054"}],
            },
            "evaluation.survey.attribution": {
                "rule": "E-4",
                "note": {
                    "zh": "项目的测评分计入该项目的责任单位",
                    "en": "A project's survey scores count for the units responsible for it",
                },
                "values": [{"valid_from": dt.date(2021, 1, 21), "value": "responsible"}],
            },
            "evaluation.missing_component": {
                "rule": "E-5",
                "note": {
                    "zh": "缺少自评、互评或民意测评时报错，不以零分代替",
                    "en": "A missing self, peer or survey component is an error, never a silent zero",
                },
                "values": [{"valid_from": dt.date(2021, 1, 21), "value": "error"}],
            },
            "evaluation.grades.bands": {
                "rule": "E-6",
                "note": {
                    "zh": "等级分数线（参照预算绩效评价 优/良/中/差）",
                    "en": "Grade bands (after budget-performance practice: 90 / 80 / 60)",
                },
                "values": [
                    {
                        "valid_from": dt.date(2021, 1, 21),
                        "value": [
                            {"grade": "excellent", "min": "90"},
                            {"grade": "good", "min": "80"},
                            {"grade": "qualified", "min": "60"},
                            {"grade": "failed", "min": "0"},
                        ],
                    }
                ],
            },
            "evaluation.grades.compare": {
                "rule": "E-6",
                "note": {
                    "zh": "按公布的（修约后）成绩定等级，与成绩单一致",
                    "en": "Grades compare the reported (rounded) score, as printed on the score sheet",
                },
                "values": [{"valid_from": dt.date(2021, 1, 21), "value": "rounded"}],
            },
            "evaluation.awards.grades": {
                "rule": "E-6",
                "note": {
                    "zh": "获得荣誉证书的等级",
                    "en": "Grades that earn an honour certificate",
                },
                "values": [{"valid_from": dt.date(2021, 1, 21), "value": ["excellent"]}],
            },
            "evaluation.rectification.grades": {
                "rule": "E-6",
                "note": {
                    "zh": "须限期整改的等级",
                    "en": "Grades that must rectify within a deadline",
                },
                "values": [{"valid_from": dt.date(2021, 1, 21), "value": ["failed"]}],
            },
            "rounding.mode": {
                "rule": "E-5",
                "note": {
                    "zh": "唯一一次修约的方式：四舍五入",
                    "en": "The one rounding step rounds half up",
                },
                "reference": "GB/T 8170-2008",
                "values": [{"valid_from": dt.date(2021, 1, 21), "value": "half_up"}],
            },
            "rounding.places": {
                "rule": "E-5",
                "note": {"zh": "成绩保留的小数位数", "en": "Decimals kept in reported scores"},
                "values": [{"valid_from": dt.date(2021, 1, 21), "value": 2}],
            },
            "rectification.announcement_days": {
                "rule": "R-1",
                "note": {
                    "zh": "考评结果公示期（天），期内可提出异议",
                    "en": "Days the results are publicly announced; objections are filed within them",
                },
                "values": [{"valid_from": dt.date(2021, 1, 21), "value": 7}],
            },
            "ledger.pseudonym_scope": {
                "rule": "E-4",
                "note": {
                    "zh": "记录账本中住户假名的范围：同一社区内不变（community），或每个社区每季度不同（quarter）（原文未规定，取 community：可跟踪同一住户的连续反映，但持有密钥者能把同一社区内的记录关联起来）",
                    "en": "Within what a household keeps one pseudonym in the record: a community (community) or a community's quarter (quarter) (not in the article; community: a household's repeated concerns can be followed, but whoever holds the key can link its records within the community)",
                },
                "values": [{"valid_from": dt.date(2021, 1, 21), "value": "community"}],
            },
            "rectification.announcement_sample": {
                "rule": "R-1",
                "note": {
                    "zh": "公示中如何公布住户抽样：公布抽中住户编号（ids），或只公布户数（count）（原文未规定，取公布编号，便于居民自行核对）",
                    "en": "What the announcement shows of the household sample: the sampled ids, or only their number (not in the article; ids, so that residents can check it)",
                },
                "values": [{"valid_from": dt.date(2021, 1, 21), "value": "ids"}],
            },
            "rectification.deadline_days": {
                "rule": "E-6",
                "note": {
                    "zh": "限期整改的期限（天）（原文未规定，取30天）",
                    "en": "Days allowed to rectify (not in the article; 30)",
                },
                "values": [{"valid_from": dt.date(2021, 1, 21), "value": 30}],
            },
            "rectification.day_count": {
                "rule": "E-6",
                "note": {"zh": "期限按自然日计算", "en": "Deadlines count calendar days"},
                "values": [{"valid_from": dt.date(2021, 1, 21), "value": "calendar"}],
            },
            "rectification.reminder_days": {
                "rule": "E-6",
                "note": {
                    "zh": "截止日前多少天开始提醒",
                    "en": "Days before a deadline when reminders start",
                },
                "values": [{"valid_from": dt.date(2021, 1, 21), "value": 7}],
            },
            "rectification.signoff_levels": {
                "rule": "R-2",
                "note": {
                    "zh": "整改结案须经签字确认的督导层级",
                    "en": "Supervision levels that must sign off before a case closes",
                },
                "values": [
                    {
                        "valid_from": dt.date(2021, 1, 21),
                        "value": [
                            "party_organisation",
                            "member_unit_representatives",
                            "resident_representatives",
                        ],
                    }
                ],
            },
        },
    }
}
