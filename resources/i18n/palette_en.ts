<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>CategoryPicker</name>
    <message>
        <source>移动到分类</source>
        <translation>Move to category</translation>
    </message>
    <message>
        <source>分类(可输入新分类):</source>
        <translation>Category (type a new one to create it):</translation>
    </message>
</context>
<context>
    <name>EntryModel</name>
    <message>
        <source>标题</source>
        <translation>Title</translation>
    </message>
    <message>
        <source>快捷码</source>
        <translation>Code</translation>
    </message>
    <message>
        <source>分类</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>内容</source>
        <translation>Text</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>State</translation>
    </message>
    <message>
        <source>置顶</source>
        <translation>Pinned</translation>
    </message>
    <message>
        <source>已自定义</source>
        <translation>Customised</translation>
    </message>
    <message>
        <source>已隐藏</source>
        <translation>Hidden</translation>
    </message>
    <message>
        <source>快捷码“{0}”也是另一话术库的「{1}」的快捷码</source>
        <translation>Shortcut “{0}” is also the shortcut of {1} in another library</translation>
    </message>
</context>
<context>
    <name>FillForm</name>
    <message>
        <source>请补全以下内容:</source>
        <translation>Please fill in:</translation>
    </message>
    <message>
        <source>Tab 下一项 · Enter 粘贴 · Esc 返回列表</source>
        <translation>Tab next · Enter paste · Esc back to the list</translation>
    </message>
    <message>
        <source>取自客户消息,请核对</source>
        <translation>Taken from the customer&apos;s message; please check</translation>
    </message>
    <message>
        <source>保存到个人资料</source>
        <translation>Save to my profile</translation>
    </message>
    <message>
        <source>取自客户消息</source>
        <translation>From the customer&apos;s message</translation>
    </message>
    <message>
        <source>“%1”是服务禁语,建议:%2</source>
        <translation>“%1” is a forbidden phrase; suggested: %2</translation>
    </message>
    <message>
        <source>“%1”是服务禁语</source>
        <translation>“%1” is a forbidden phrase</translation>
    </message>
</context>
<context>
    <name>FirstRunDialog</name>
    <message>
        <source>欢迎使用快捷话术板</source>
        <translation>Welcome to Palette</translation>
    </message>
    <message>
        <source>填写这几项后,话术里的 [公司名称]、[工号]、[坐席姓名] 会自动填好。以后可在“设置”里修改。</source>
        <translation>Fill these in and [公司名称], [工号] and [坐席姓名] in phrases are filled automatically. You can change them later in Settings.</translation>
    </message>
    <message>
        <source>公司名称</source>
        <translation>Company name</translation>
    </message>
    <message>
        <source>工号</source>
        <translation>Agent ID</translation>
    </message>
    <message>
        <source>坐席姓名</source>
        <translation>Agent name</translation>
    </message>
    <message>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <source>跳过</source>
        <translation>Skip</translation>
    </message>
</context>
<context>
    <name>HotkeyEdit</name>
    <message>
        <source>点击后按下组合键</source>
        <translation>Click, then press the keys</translation>
    </message>
    <message>
        <source>点击这里,然后按下想用的组合键(如 Ctrl+Alt+Space);Esc 放弃</source>
        <translation>Click here, then press the combination you want (such as Ctrl+Alt+Space); Esc gives up</translation>
    </message>
    <message>
        <source>请按下组合键…</source>
        <translation>Press the keys…</translation>
    </message>
    <message>
        <source>这个键不能用作快捷键</source>
        <translation>This key cannot be used in a shortcut</translation>
    </message>
</context>
<context>
    <name>ImageStrip</name>
    <message>
        <source>添加图片…</source>
        <translation>Add picture…</translation>
    </message>
    <message>
        <source>移除</source>
        <translation>Remove</translation>
    </message>
    <message>
        <source>拖入或粘贴(Ctrl+V)图片;粘贴时先发图片,再发文字</source>
        <translation>Drop or paste (Ctrl+V) pictures; they are pasted before the text</translation>
    </message>
    <message>
        <source>添加图片</source>
        <translation>Add picture</translation>
    </message>
    <message>
        <source>图片 (*.png *.jpg *.jpeg *.gif)</source>
        <translation>Pictures (*.png *.jpg *.jpeg *.gif)</translation>
    </message>
    <message>
        <source>{0}:无法读取({1})</source>
        <translation>{0}: cannot be read ({1})</translation>
    </message>
    <message>
        <source>一条话术最多 {0} 张图片</source>
        <translation>At most {0} pictures per phrase</translation>
    </message>
    <message>
        <source>粘贴的图片</source>
        <translation>Pasted picture</translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <source>导入话术库:{0}</source>
        <translation>Import phrase library: {0}</translation>
    </message>
    <message>
        <source>新增 {0} 条,修改 {1} 条,删除 {2} 条,未变 {3} 条</source>
        <translation>{0} added, {1} changed, {2} removed, {3} unchanged</translation>
    </message>
    <message>
        <source>新话术库「{0}」:</source>
        <translation>New library “{0}”: </translation>
    </message>
    <message>
        <source>分类</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>标题</source>
        <translation>Title</translation>
    </message>
    <message>
        <source>新增</source>
        <translation>Added</translation>
    </message>
    <message>
        <source>修改</source>
        <translation>Changed</translation>
    </message>
    <message>
        <source>删除</source>
        <translation>Removed</translation>
    </message>
    <message>
        <source>禁语</source>
        <translation>Forbidden phrases</translation>
    </message>
    <message>
        <source>新增禁语</source>
        <translation>Added forbidden phrase</translation>
    </message>
    <message>
        <source>删除禁语</source>
        <translation>Removed forbidden phrase</translation>
    </message>
    <message>
        <source>提示</source>
        <translation>Notes</translation>
    </message>
    <message>
        <source>(无)</source>
        <translation>(none)</translation>
    </message>
    <message>
        <source>导入前</source>
        <translation>Before</translation>
    </message>
    <message>
        <source>导入后</source>
        <translation>After</translation>
    </message>
    <message>
        <source>来源更新时自动导入(订阅)</source>
        <translation>Import again automatically when the source changes (subscribe)</translation>
    </message>
    <message>
        <source>应用</source>
        <translation>Apply</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>…还有 {0} 条</source>
        <translation>…and {0} more</translation>
    </message>
</context>
<context>
    <name>PaletteController</name>
    <message>
        <source>这条话术不在有效期内(生效/失效日期),不能粘贴。</source>
        <translation>This phrase is outside its validity dates; it cannot be pasted.</translation>
    </message>
    <message>
        <source>还有未填写的占位符:{0}</source>
        <translation>Placeholders still to fill in: {0}</translation>
    </message>
    <message>
        <source>含服务禁语“{0}”</source>
        <translation>Contains the forbidden phrase “{0}”</translation>
    </message>
    <message>
        <source>,建议:“{0}”</source>
        <translation>; suggested: “{0}”</translation>
    </message>
    <message>
        <source>图片未粘贴</source>
        <translation>Picture not pasted</translation>
    </message>
    <message>
        <source>此窗口只能接收文字:已只粘贴文字。</source>
        <translation>This window takes text only: only the text was pasted.</translation>
    </message>
    <message>
        <source>有一张图片无法读取,已跳过。</source>
        <translation>A picture could not be read and was skipped.</translation>
    </message>
    <message>
        <source>焦点离开了聊天窗口,或窗口没有读取粘贴:没发出的内容已复制。</source>
        <translation>The focus left the chat window, or the window did not read the paste: what was not sent is on the clipboard.</translation>
    </message>
    <message>
        <source>发送已停止</source>
        <translation>Sending stopped</translation>
    </message>
    <message>
        <source>已复制</source>
        <translation>Copied</translation>
    </message>
    <message>
        <source>已复制,请按 {0} 粘贴</source>
        <translation>Copied; press {0} to paste</translation>
    </message>
</context>
<context>
    <name>PaletteRows</name>
    <message>
        <source>团队已更新</source>
        <translation>Team updated</translation>
    </message>
</context>
<context>
    <name>PaletteWindow</name>
    <message>
        <source>快捷话术板</source>
        <translation>Palette</translation>
    </message>
    <message>
        <source>输入拼音、首字母、快捷码或关键词…</source>
        <translation>Type pinyin, initials, a code or words…</translation>
    </message>
    <message>
        <source>Enter 粘贴 · Ctrl+Enter 复制 · Alt+1…9 直接粘贴 · Tab 填写 · Ctrl+Shift+N 新会话 · Esc 关闭</source>
        <translation>Enter paste · Ctrl+Enter copy · Alt+1…9 paste that one · Tab fill in · Ctrl+Shift+N new conversation · Esc close</translation>
    </message>
    <message>
        <source>没有与“{0}”匹配的分类</source>
        <translation>No category matches “{0}”</translation>
    </message>
    <message>
        <source>Ctrl+Shift+M 管理话术 · Ctrl+, 设置 · 拖动边缘可移动话术板</source>
        <translation>Ctrl+Shift+M manage phrases · Ctrl+, settings · drag the border to move the palette</translation>
    </message>
    <message>
        <source>正在载入话术…</source>
        <translation>Loading phrases…</translation>
    </message>
    <message>
        <source>没有匹配的话术</source>
        <translation>No matching phrase</translation>
    </message>
    <message>
        <source>Enter 新建话术:“{0}”</source>
        <translation>Enter: new phrase “{0}”</translation>
    </message>
    <message>
        <source>已开始新会话:上一位客户填写的内容已清除</source>
        <translation>New conversation: the last customer&apos;s values are cleared</translation>
    </message>
    <message>
        <source>待填写:</source>
        <translation>To fill in: </translation>
    </message>
    <message>
        <source>Shift+Enter 只粘贴不发送</source>
        <translation>Shift+Enter pastes without sending</translation>
    </message>
    <message>
        <source>Ctrl+J 建议/搜索</source>
        <translation>Ctrl+J suggestions/search</translation>
    </message>
    <message>
        <source>客户消息:</source>
        <translation>Customer&apos;s message:</translation>
    </message>
    <message>
        <source>建议依据:</source>
        <translation>Suggested because of:</translation>
    </message>
    <message>
        <source>已换成建议用语(仅这一次)· Ctrl+R 还原</source>
        <translation>Suggested wording used (this paste only) · Ctrl+R to undo</translation>
    </message>
    <message>
        <source>含服务禁语 · Ctrl+R 换成建议用语</source>
        <translation>Contains a forbidden phrase · Ctrl+R for the suggested wording</translation>
    </message>
    <message>
        <source>含服务禁语</source>
        <translation>Contains a forbidden phrase</translation>
    </message>
    <message>
        <source>请修改后再发送。</source>
        <translation>Please change it before sending.</translation>
    </message>
    <message>
        <source>按 Ctrl+R 换成建议用语。</source>
        <translation>Press Ctrl+R for the suggested wording.</translation>
    </message>
    <message>
        <source>再按 Enter 仍然发送,Ctrl+R 换成建议用语,Esc 取消。</source>
        <translation>Enter again sends it anyway, Ctrl+R uses the suggested wording, Esc cancels.</translation>
    </message>
    <message>
        <source>再按 Enter 仍然发送,Esc 取消。</source>
        <translation>Press Enter again to send anyway, Esc to cancel.</translation>
    </message>
</context>
<context>
    <name>PhraseEditor</name>
    <message>
        <source>标题(&amp;T)</source>
        <translation>&amp;Title</translation>
    </message>
    <message>
        <source>分类(&amp;G)</source>
        <translation>Cate&amp;gory</translation>
    </message>
    <message>
        <source>快捷码(&amp;K)</source>
        <translation>Code (&amp;K)</translation>
    </message>
    <message>
        <source>标签</source>
        <translation>Tags</translation>
    </message>
    <message>
        <source>内容(&amp;B)</source>
        <translation>&amp;Body</translation>
    </message>
    <message>
        <source>预览</source>
        <translation>Preview</translation>
    </message>
    <message>
        <source>图片(&amp;I)</source>
        <translation>&amp;Pictures</translation>
    </message>
    <message>
        <source>发送</source>
        <translation>Send</translation>
    </message>
    <message>
        <source>一眼认得出的短标题</source>
        <translation>A short title you recognise at a glance</translation>
    </message>
    <message>
        <source>如 nh、tk1(可选)</source>
        <translation>such as nh or tk1 (optional)</translation>
    </message>
    <message>
        <source>用逗号分隔(可选)</source>
        <translation>separated by commas (optional)</translation>
    </message>
    <message>
        <source>话术正文;[客户姓名] 这样的占位符在粘贴时填写</source>
        <translation>The phrase; placeholders such as [客户姓名] are filled in when pasting</translation>
    </message>
    <message>
        <source>选择或输入新分类</source>
        <translation>Pick a category or type a new one</translation>
    </message>
    <message>
        <source>新话术,保存到「我的话术」。</source>
        <translation>A new phrase, saved to My phrases.</translation>
    </message>
    <message>
        <source>选择一条话术查看或编辑,或按 Ctrl+N 新建。</source>
        <translation>Pick a phrase to view or edit it, or press Ctrl+N for a new one.</translation>
    </message>
    <message>
        <source>这是你自定义的版本,话术板显示它而不是「{0}」的原版;恢复团队版本会删除你的修改。</source>
        <translation>This is your own version: the palette shows it instead of the one in “{0}”. Restoring the team version deletes your changes.</translation>
    </message>
    <message>
        <source>「{0}」的话术是只读的。按 Ctrl+E 自定义:话术板将改用你的版本,团队版本保留。</source>
        <translation>Phrases in “{0}” are read-only. Press Ctrl+E to customise: the palette then shows your version and the team version is kept.</translation>
    </message>
    <message>
        <source>你自己的话术,修改后按 Ctrl+S 保存。</source>
        <translation>Your own phrase: press Ctrl+S to save your changes.</translation>
    </message>
    <message>
        <source>粘贴时询问:{0}</source>
        <translation>Asked when pasting: {0}</translation>
    </message>
    <message>
        <source>标题</source>
        <translation>The title</translation>
    </message>
    <message>
        <source>内容</source>
        <translation>The text</translation>
    </message>
    <message>
        <source>快捷码“{0}”已被「{1}」({2})使用</source>
        <translation>The code “{0}” is already used by “{1}” ({2})</translation>
    </message>
    <message>
        <source>请填写标题</source>
        <translation>Please enter a title</translation>
    </message>
    <message>
        <source>请选择或输入分类</source>
        <translation>Please pick or type a category</translation>
    </message>
    <message>
        <source>请填写内容</source>
        <translation>Please enter the text</translation>
    </message>
    <message>
        <source>快捷码只能用字母、数字、_ . -(不能有空格)</source>
        <translation>A code can only use letters, digits, _ . - (no spaces)</translation>
    </message>
    <message>
        <source>分类</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>快捷码</source>
        <translation>Code</translation>
    </message>
    <message>
        <source>{0}不能超过 {1} 个字符</source>
        <translation>The {0} cannot be longer than {1} characters</translation>
    </message>
    <message>
        <source>{0}含服务禁语“{1}”</source>
        <translation>{0} contains the forbidden phrase “{1}”</translation>
    </message>
    <message>
        <source>,建议改为“{0}”</source>
        <translation>; suggested: “{0}”</translation>
    </message>
    <message>
        <source>“{0}”不是占位符;要写方括号本身请用 [[ 和 ]]</source>
        <translation>“{0}” is not a placeholder; write [[ and ]] for the brackets themselves</translation>
    </message>
    <message>
        <source>{0}里的中文用了半角“{1}”，应为全角“{2}”</source>
        <translation>{0}: half-width “{1}” in Chinese text; use the full-width “{2}”</translation>
    </message>
    <message>
        <source>占位符 [{0}] 可能写错了,是不是 [{1}]?</source>
        <translation>The placeholder [{0}] may be a typo: did you mean [{1}]?</translation>
    </message>
    <message>
        <source>占位符 [{0}] 只有数字;要写方括号本身请用 [[{0}]]</source>
        <translation>The placeholder [{0}] is only digits; write [[{0}]] for the brackets themselves</translation>
    </message>
</context>
<context>
    <name>PhraseManager</name>
    <message>
        <source>管理话术</source>
        <translation>Manage phrases</translation>
    </message>
    <message>
        <source>筛选:中文、拼音、首字母或快捷码 (Ctrl+F)</source>
        <translation>Filter: Chinese, pinyin, initials or code (Ctrl+F)</translation>
    </message>
    <message>
        <source>新建</source>
        <translation>New</translation>
    </message>
    <message>
        <source>复制</source>
        <translation>Duplicate</translation>
    </message>
    <message>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <source>删除</source>
        <translation>Delete</translation>
    </message>
    <message>
        <source>移动到分类…</source>
        <translation>Move to category…</translation>
    </message>
    <message>
        <source>上移</source>
        <translation>Move up</translation>
    </message>
    <message>
        <source>下移</source>
        <translation>Move down</translation>
    </message>
    <message>
        <source>自定义</source>
        <translation>Customise</translation>
    </message>
    <message>
        <source>恢复团队版本</source>
        <translation>Restore team version</translation>
    </message>
    <message>
        <source>筛选</source>
        <translation>Filter</translation>
    </message>
    <message>
        <source>放弃修改</source>
        <translation>Discard changes</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>启用此话术库</source>
        <translation>Enable this library</translation>
    </message>
    <message>
        <source>撤销</source>
        <translation>Undo</translation>
    </message>
    <message>
        <source>重做</source>
        <translation>Redo</translation>
    </message>
    <message>
        <source>取消置顶</source>
        <translation>Unpin</translation>
    </message>
    <message>
        <source>置顶</source>
        <translation>Pin</translation>
    </message>
    <message>
        <source>取消隐藏</source>
        <translation>Unhide</translation>
    </message>
    <message>
        <source>隐藏</source>
        <translation>Hide</translation>
    </message>
    <message>
        <source>标准话术</source>
        <translation>Standard phrases</translation>
    </message>
    <message>
        <source>我的话术</source>
        <translation>My phrases</translation>
    </message>
    <message>
        <source>全部话术 ({0})</source>
        <translation>All phrases ({0})</translation>
    </message>
    <message>
        <source>已停用:不在搜索和话术板中,话术都还在</source>
        <translation>Disabled: out of the search and the palette; its phrases are all kept</translation>
    </message>
    <message>
        <source>这条话术还不能保存:请先修正,或按 Esc 放弃修改</source>
        <translation>This phrase cannot be saved yet: correct it first, or press Esc to discard the changes</translation>
    </message>
    <message>
        <source>新建「{0}」</source>
        <translation>New “{0}”</translation>
    </message>
    <message>
        <source>修改「{0}」</source>
        <translation>Edit “{0}”</translation>
    </message>
    <message>
        <source>已保存</source>
        <translation>Saved</translation>
    </message>
    <message>
        <source>{0}(副本)</source>
        <translation>{0} (copy)</translation>
    </message>
    <message>
        <source>复制「{0}」</source>
        <translation>Duplicate “{0}”</translation>
    </message>
    <message>
        <source>隐藏「{0}」</source>
        <translation>Hide “{0}”</translation>
    </message>
    <message>
        <source>团队话术不能删除,已隐藏「{0}」(Ctrl+Z 撤销)</source>
        <translation>Team phrases cannot be deleted: “{0}” is hidden instead (Ctrl+Z to undo)</translation>
    </message>
    <message>
        <source>恢复团队版本「{0}」</source>
        <translation>Restore the team version of “{0}”</translation>
    </message>
    <message>
        <source>已恢复「{0}」的团队版本(Ctrl+Z 撤销)</source>
        <translation>Restored the team version of “{0}” (Ctrl+Z to undo)</translation>
    </message>
    <message>
        <source>删除「{0}」</source>
        <translation>Delete “{0}”</translation>
    </message>
    <message>
        <source>已删除「{0}」(Ctrl+Z 撤销)</source>
        <translation>Deleted “{0}” (Ctrl+Z to undo)</translation>
    </message>
    <message>
        <source>自定义「{0}」</source>
        <translation>Customise “{0}”</translation>
    </message>
    <message>
        <source>取消置顶「{0}」</source>
        <translation>Unpin “{0}”</translation>
    </message>
    <message>
        <source>置顶「{0}」</source>
        <translation>Pin “{0}”</translation>
    </message>
    <message>
        <source>取消隐藏「{0}」</source>
        <translation>Unhide “{0}”</translation>
    </message>
    <message>
        <source>移动「{0}」到「{1}」</source>
        <translation>Move “{0}” to “{1}”</translation>
    </message>
    <message>
        <source>调整「{0}」的顺序</source>
        <translation>Reorder “{0}”</translation>
    </message>
    <message>
        <source>团队已更新</source>
        <translation>Team updated</translation>
    </message>
</context>
<context>
    <name>RowDelegate</name>
    <message>
        <source>建议</source>
        <translation>Suggested</translation>
    </message>
</context>
<context>
    <name>SendChoice</name>
    <message>
        <source>跟随话术库</source>
        <translation>As the library says</translation>
    </message>
    <message>
        <source>只粘贴,不发送</source>
        <translation>Paste only, do not send</translation>
    </message>
    <message>
        <source>粘贴后按回车发送</source>
        <translation>Paste, then send with Enter</translation>
    </message>
    <message>
        <source>粘贴后按 Ctrl+Enter 发送</source>
        <translation>Paste, then send with Ctrl+Enter</translation>
    </message>
</context>
<context>
    <name>SettingsWindow</name>
    <message>
        <source>设置</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>个人资料</source>
        <translation>Profile</translation>
    </message>
    <message>
        <source>快捷键与粘贴</source>
        <translation>Hotkey and pasting</translation>
    </message>
    <message>
        <source>常规</source>
        <translation>General</translation>
    </message>
    <message>
        <source>这些信息会自动填入话术中同名的占位符,例如 [公司名称]、[工号]。只保存在本机。</source>
        <translation>These values fill the placeholders of the same name in phrases, such as [公司名称] and [工号]. They stay on this computer.</translation>
    </message>
    <message>
        <source>公司名称</source>
        <translation>Company name</translation>
    </message>
    <message>
        <source>工号</source>
        <translation>Agent ID</translation>
    </message>
    <message>
        <source>坐席姓名</source>
        <translation>Agent name</translation>
    </message>
    <message>
        <source>部门</source>
        <translation>Department</translation>
    </message>
    <message>
        <source>热线</source>
        <translation>Hotline</translation>
    </message>
    <message>
        <source>填入占位符 [{0}]</source>
        <translation>Fills the placeholder [{0}]</translation>
    </message>
    <message>
        <source>其他字段</source>
        <translation>Other fields</translation>
    </message>
    <message>
        <source>占位符名称</source>
        <translation>Placeholder name</translation>
    </message>
    <message>
        <source>值</source>
        <translation>Value</translation>
    </message>
    <message>
        <source>添加</source>
        <translation>Add</translation>
    </message>
    <message>
        <source>删除</source>
        <translation>Remove</translation>
    </message>
    <message>
        <source>呼出话术板(&amp;H)</source>
        <translation>Open the palette (&amp;H)</translation>
    </message>
    <message>
        <source>粘贴键</source>
        <translation>Paste key</translation>
    </message>
    <message>
        <source>粘贴到大多数窗口时按的键;终端等窗口在下面单独设置</source>
        <translation>The key pressed to paste into most windows; terminals and the like are set below</translation>
    </message>
    <message>
        <source>按窗口设置粘贴键</source>
        <translation>Paste key per window</translation>
    </message>
    <message>
        <source>窗口类名包含左列文字时,用右列的键粘贴(例如终端用 Ctrl+Shift+V)。</source>
        <translation>When a window&apos;s class contains the text on the left, paste with the keys on the right (terminals use Ctrl+Shift+V, for example).</translation>
    </message>
    <message>
        <source>窗口类名</source>
        <translation>Window class</translation>
    </message>
    <message>
        <source>恢复默认</source>
        <translation>Restore defaults</translation>
    </message>
    <message>
        <source>粘贴后恢复原来的剪贴板内容</source>
        <translation>Put my clipboard back after pasting</translation>
    </message>
    <message>
        <source>恢复前等待</source>
        <translation>Wait before restoring</translation>
    </message>
    <message>
        <source> 毫秒</source>
        <translation> ms</translation>
    </message>
    <message>
        <source>遇到服务禁语</source>
        <translation>On a forbidden phrase</translation>
    </message>
    <message>
        <source>提醒,确认后粘贴</source>
        <translation>Warn, paste when confirmed</translation>
    </message>
    <message>
        <source>阻止粘贴</source>
        <translation>Refuse to paste</translation>
    </message>
    <message>
        <source>不检查</source>
        <translation>Do not check</translation>
    </message>
    <message>
        <source>粘贴时把中文里的半角标点改为全角（，？！：；）</source>
        <translation>Paste full-width punctuation (，？！：；) in Chinese text</translation>
    </message>
    <message>
        <source>例如“您好,请问”粘贴为“您好，请问”；数字、网址、英文和占位符里的标点不变</source>
        <translation>For example “您好,请问” is pasted as “您好，请问”; punctuation in numbers, URLs, English text and placeholders stays as it is</translation>
    </message>
    <message>
        <source>会话空闲</source>
        <translation>Conversation idle</translation>
    </message>
    <message>
        <source> 分钟后开始新会话</source>
        <translation> minutes, then a new conversation</translation>
    </message>
    <message>
        <source>超过这段时间没有使用,就忘记本次会话里填写的客户信息</source>
        <translation>After this long without use, the customer details typed in this conversation are forgotten</translation>
    </message>
    <message>
        <source>界面语言</source>
        <translation>Language</translation>
    </message>
    <message>
        <source>托盘菜单和话术板在下次启动时换成新的语言。</source>
        <translation>The tray menu and the palette change language at the next start.</translation>
    </message>
    <message>
        <source>开机时自动启动</source>
        <translation>Start when I log in</translation>
    </message>
    <message>
        <source>我的服务禁语</source>
        <translation>My forbidden phrases</translation>
    </message>
    <message>
        <source>禁语</source>
        <translation>Forbidden phrase</translation>
    </message>
    <message>
        <source>建议用语</source>
        <translation>Suggested wording</translation>
    </message>
    <message>
        <source>“{0}”不能作占位符名称:只能用中文、字母、数字或下划线,最多 20 个字</source>
        <translation>“{0}” cannot be a placeholder name: use Chinese, letters, digits or _ only, at most 20 characters</translation>
    </message>
    <message>
        <source>“{0}”已经有了</source>
        <translation>“{0}” is already there</translation>
    </message>
    <message>
        <source>粘贴前会提醒这些词,并可换成建议用语。另有 {0} 条来自标准和团队话术库。</source>
        <translation>These are flagged before pasting and can be swapped for the suggested wording. {0} more come from the standard and team libraries.</translation>
    </message>
    <message>
        <source>第 {0} 行:请填写禁语</source>
        <translation>Row {0}: fill in the forbidden phrase</translation>
    </message>
    <message>
        <source>{0} 不能用作全局快捷键:{1}</source>
        <translation>{0} cannot be the global hotkey: {1}</translation>
    </message>
    <message>
        <source>快捷键没有变化</source>
        <translation>The hotkey is unchanged</translation>
    </message>
    <message>
        <source>已保存。此桌面不支持全局快捷键,请在系统设置里把 {0} 绑定到命令 “palette show”。</source>
        <translation>Saved. This desktop has no global hotkeys: bind {0} to the command “palette show” in the system settings.</translation>
    </message>
    <message>
        <source>{0} 无法使用,可能已被其他程序占用({1})。请换一个组合。</source>
        <translation>{0} cannot be used; another program may own it ({1}). Please choose another combination.</translation>
    </message>
    <message>
        <source>已保存,现在按 {0} 呼出话术板。</source>
        <translation>Saved: press {0} to open the palette.</translation>
    </message>
    <message>
        <source>第 {0} 行:请同时填写窗口类名和粘贴键</source>
        <translation>Row {0}: please enter both the window class and the paste key</translation>
    </message>
    <message>
        <source>第 {0} 行:“{1}”不是有效的按键组合({2})</source>
        <translation>Row {0}: “{1}” is not a valid key combination ({2})</translation>
    </message>
</context>
<context>
    <name>StateFilter</name>
    <message>
        <source>全部状态</source>
        <translation>All states</translation>
    </message>
    <message>
        <source>即将生效</source>
        <translation>Upcoming</translation>
    </message>
    <message>
        <source>已失效</source>
        <translation>Expired</translation>
    </message>
    <message>
        <source>团队已更新</source>
        <translation>Team updated</translation>
    </message>
</context>
<context>
    <name>SubscriptionWatcher</name>
    <message>
        <source>「{0}」:新增 {1} 条,修改 {2} 条,删除 {3} 条</source>
        <translation>“{0}”: {1} added, {2} changed, {3} removed</translation>
    </message>
    <message>
        <source>,{0} 条提示</source>
        <translation>, {0} notes</translation>
    </message>
    <message>
        <source>话术库已更新</source>
        <translation>Phrase library updated</translation>
    </message>
    <message>
        <source>「{0}」的新版本会删除 {1} 条话术(共 {2} 条),继续使用上次的版本;确认请运行 palette library check {0} --yes</source>
        <translation>The new version of “{0}” would remove {1} of its {2} phrases; the last version stays. To confirm, run palette library check {0} --yes</translation>
    </message>
    <message>
        <source>话术库更新待确认</source>
        <translation>Library update waits for confirmation</translation>
    </message>
    <message>
        <source>话术库来源无法访问</source>
        <translation>Phrase library source unreachable</translation>
    </message>
    <message>
        <source>话术库来源有问题</source>
        <translation>Problem with the phrase library source</translation>
    </message>
    <message>
        <source>「{0}」继续使用上次的版本。{1}</source>
        <translation>“{0}” keeps the last version. {1}</translation>
    </message>
</context>
<context>
    <name>TeamUpdatePanel</name>
    <message>
        <source>团队已更新:你自定义过的这条话术,团队已经修改了。请比较后选择。</source>
        <translation>Team updated: the team changed this phrase since you customised it. Compare, then choose.</translation>
    </message>
    <message>
        <source>团队原来的</source>
        <translation>Team&apos;s earlier text</translation>
    </message>
    <message>
        <source>团队现在的</source>
        <translation>Team&apos;s text now</translation>
    </message>
    <message>
        <source>我的版本</source>
        <translation>My version</translation>
    </message>
    <message>
        <source>保留我的版本</source>
        <translation>Keep mine</translation>
    </message>
    <message>
        <source>采用团队新版本</source>
        <translation>Take the team&apos;s</translation>
    </message>
    <message>
        <source>已保留你的版本;团队以后再修改时会再次提示</source>
        <translation>Kept your version; you will be told when the team changes it again</translation>
    </message>
</context>
<context>
    <name>Tray</name>
    <message>
        <source>打开话术板</source>
        <translation>Open the palette</translation>
    </message>
    <message>
        <source>新会话</source>
        <translation>New conversation</translation>
    </message>
    <message>
        <source>管理话术</source>
        <translation>Manage phrases</translation>
    </message>
    <message>
        <source>设置</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>导入团队话术库</source>
        <translation>Import a team library</translation>
    </message>
    <message>
        <source>开机启动</source>
        <translation>Start at login</translation>
    </message>
    <message>
        <source>退出</source>
        <translation>Quit</translation>
    </message>
    <message>
        <source>快捷话术板</source>
        <translation>Palette</translation>
    </message>
    <message>
        <source>快捷键不可用</source>
        <translation>Hotkey unavailable</translation>
    </message>
</context>
<context>
    <name>app</name>
    <message>
        <source>快捷话术板已启动</source>
        <translation>Palette is running</translation>
    </message>
    <message>
        <source>此桌面没有系统托盘:按 {0} 打开话术板。</source>
        <translation>This desktop has no system tray: press {0} to open the palette.</translation>
    </message>
    <message>
        <source>开机启动设置失败</source>
        <translation>Could not change start at login</translation>
    </message>
    <message>
        <source>导入团队话术库</source>
        <translation>Import a team library</translation>
    </message>
    <message>
        <source>话术库 (*.xlsx *.csv *.json *.db)</source>
        <translation>Phrase libraries (*.xlsx *.csv *.json *.db)</translation>
    </message>
    <message>
        <source>导入失败</source>
        <translation>Import failed</translation>
    </message>
    <message>
        <source>导入完成</source>
        <translation>Import done</translation>
    </message>
    <message>
        <source>新增 {0} 条,修改 {1} 条,删除 {2} 条</source>
        <translation>{0} added, {1} changed, {2} removed</translation>
    </message>
    <message>
        <source>此桌面不支持全局快捷键:请在系统设置里把快捷键绑定到命令 “palette show”。</source>
        <translation>This desktop has no global hotkeys: bind a shortcut to the command “palette show” in the system settings.</translation>
    </message>
    <message>
        <source>全局快捷键注册失败({0})。可在设置中换一个组合,或绑定命令 “palette show”。</source>
        <translation>The global hotkey could not be registered ({0}). Choose another combination in Settings, or bind the command “palette show”.</translation>
    </message>
</context>
</TS>
